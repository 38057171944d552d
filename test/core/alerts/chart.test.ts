/** The designations chart of scheduled summaries: a valid PNG, bars that follow the data, counts per ISO week. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { additionsChart, additionsChartFile, isoWeek, isoWeekStart, weeklyAdditions } from '../../../src/core/alerts/chart-data';
import { crc32, niceMax, renderBarChart } from '../../../src/core/alerts/chart-png';
import { fileBytes } from '../../../src/core/commands/reply';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { decodePng, pixel } from '../../helpers/png';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

describe('PNG bar chart', () => {
  it('encodes a PNG that decodes to its size, with CRCs as PNG computes them', () => {
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
    const { png, layout } = renderBarChart({ title: 'TEST', categories: ['W1', 'W2'], series: [{ label: 'US-OFAC-SDN', values: [1, 2] }], width: 300, height: 200 });
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([300, 200]);
    expect([layout.width, layout.height]).toEqual([300, 200]);
  });

  it('draws bars whose heights follow the data, in their series colour, standing on the axis', () => {
    const values = [[0, 10, 25, 50], [5, 5, 0, 30]];
    const { png, layout } = renderBarChart({ title: 'ADDED', categories: ['W46', 'W47', 'W48', 'W49'], series: values.map((v, i) => ({ label: `L${i}`, values: v })) });
    const { rows } = decodePng(png);
    expect(layout.max).toBe(50);
    const bottom = layout.plot.y + layout.plot.h;
    for (const bar of layout.bars) {
      expect(bar.value).toBe(values[bar.series]![bar.category]);
      expect(bar.h).toBe(Math.round((bar.value / 50) * layout.plot.h));
      // Measured in the decoded image: the bar's colour runs from the axis up exactly its height.
      const x = bar.x + Math.floor(bar.w / 2);
      let measured = 0;
      while (measured < layout.plot.h && pixel(rows, x, bottom - 1 - measured).join() === bar.color.join()) measured++;
      expect(measured).toBe(bar.h);
    }
    const tallest = layout.bars.find((b) => b.value === 50)!;
    expect(tallest.h).toBe(layout.plot.h);
    expect(layout.bars.find((b) => b.series === 0 && b.category === 2)!.h * 2).toBeCloseTo(tallest.h, -1);
    expect([niceMax(0), niceMax(7), niceMax(40), niceMax(298)]).toEqual([1, 10, 50, 500]);
  });
});

describe('designations per list per ISO week, from the events table', () => {
  it('counts added events per list in each of the last 8 ISO weeks, and makes them a chart file', async () => {
    expect(isoWeek(new Date('2026-12-02T07:00:00Z'))).toBe('2026-W49');
    expect(isoWeek(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
    expect(isoWeekStart(new Date('2026-12-06T23:59:00Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    const db = openDb(join(tempDir(), 'chart.db'));
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
    // Spread the t0 -> t1 additions over known weeks: SDN 298 (100 three weeks before, 198 this week), ECL 14 last week.
    const sdn = db.prepare<[], { id: number }>("SELECT id FROM events WHERE kind = 'added' AND list = 'US-OFAC-SDN' ORDER BY id").all().map((r) => r.id);
    expect(sdn).toHaveLength(298);
    db.prepare("UPDATE events SET at = '2026-11-18T10:00:00.000Z' WHERE id IN (" + sdn.slice(0, 100).join(',') + ')').run();
    db.prepare("UPDATE events SET at = '2026-12-01T10:00:00.000Z' WHERE id IN (" + sdn.slice(100).join(',') + ')').run();
    db.prepare("UPDATE events SET at = '2026-11-24T10:00:00.000Z' WHERE kind = 'added' AND list = 'CN-MOFCOM-ECL'").run();
    // An addition 9 weeks back is outside the window.
    db.prepare("UPDATE events SET at = '2026-09-30T10:00:00.000Z' WHERE id = ?").run(sdn[0]);
    const data = weeklyAdditions(db, new Date('2026-12-02T07:00:00Z'));
    expect(data.weeks).toEqual(['2026-W42', '2026-W43', '2026-W44', '2026-W45', '2026-W46', '2026-W47', '2026-W48', '2026-W49']);
    const byList = Object.fromEntries(data.series.map((s) => [s.list, s.counts]));
    expect(byList['US-OFAC-SDN']).toEqual([0, 0, 0, 0, 0, 99, 0, 198]);
    expect(byList['CN-MOFCOM-ECL']).toEqual([0, 0, 0, 0, 0, 0, 14, 0]);
    expect(data.series[0]!.list).toBe('US-OFAC-SDN');
    // Only the lists the channel follows.
    expect(weeklyAdditions(db, new Date('2026-12-02T07:00:00Z'), { lists: ['CN-MOFCOM-ECL'] }).series.map((s) => s.list)).toEqual(['CN-MOFCOM-ECL']);

    const chart = additionsChart(data);
    expect(chart.categories).toEqual(['W42', 'W43', 'W44', 'W45', 'W46', 'W47', 'W48', 'W49']);
    const { layout } = renderBarChart(chart);
    const sdnBars = layout.bars.filter((b) => b.series === 0).map((b) => b.value);
    expect(sdnBars).toEqual([0, 0, 0, 0, 0, 99, 0, 198]);
    const h = (c: number) => layout.bars.find((b) => b.series === 0 && b.category === c)!.h;
    expect(h(7)).toBeGreaterThan(h(5));
    expect(h(7) / h(5)).toBeCloseTo(2, 1);

    const file = additionsChartFile(db, new Date('2026-12-02T07:00:00Z'), undefined, 'stem');
    expect(file).toMatchObject({ name: 'stem-designations-by-week.png', type: 'image/png', encoding: 'base64' });
    expect(file.title).toContain('US-OFAC-SDN 297');
    expect(decodePng(fileBytes(file)).width).toBe(720);
    db.close();
  });
});
