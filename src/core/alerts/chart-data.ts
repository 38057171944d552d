/**
 * The designations chart of a scheduled summary: how many 'added' events each list had per ISO week (Monday to
 * Sunday, UTC) over the last weeks, from the events table, for the lists a channel follows.
 */
import type { ReplyFile } from '../commands/reply';
import type { Db } from '../store/db';
import { renderBarChart, type BarChart } from './chart-png';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** The Monday 00:00 UTC that starts the ISO week of an instant. */
export function isoWeekStart(at: Date): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0
  return new Date(day - weekday * DAY);
}

/** "2026-W49": the ISO week (its year is the year of its Thursday). */
export function isoWeek(at: Date): string {
  const thursday = new Date(isoWeekStart(at).getTime() + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / WEEK) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export interface WeeklyAdditions {
  /** ISO weeks, oldest first; the last is the week of `until`. */
  weeks: string[];
  /** Per list with any addition in those weeks: its count each week (busiest lists first). */
  series: Array<{ list: string; counts: number[] }>;
  from: string;
  to: string;
}

/** 'added' events per list per ISO week, the `weeks` weeks up to and including the week of `until`. */
export function weeklyAdditions(db: Db, until: Date, options: { weeks?: number; lists?: readonly string[] } = {}): WeeklyAdditions {
  const n = options.weeks ?? 8;
  const start = new Date(isoWeekStart(until).getTime() - (n - 1) * WEEK);
  const end = new Date(start.getTime() + n * WEEK);
  const rows = db
    .prepare<{ start: string; end: string }, { list: string; at: string }>("SELECT list, at FROM events WHERE kind = 'added' AND at >= @start AND at < @end")
    .all({ start: start.toISOString(), end: end.toISOString() });
  const wanted = options.lists ? new Set(options.lists) : undefined;
  const byList = new Map<string, number[]>();
  for (const r of rows) {
    if (wanted && !wanted.has(r.list)) continue;
    const w = Math.floor((Date.parse(r.at) - start.getTime()) / WEEK);
    if (w < 0 || w >= n) continue;
    let counts = byList.get(r.list);
    if (!counts) byList.set(r.list, (counts = new Array<number>(n).fill(0)));
    counts[w]!++;
  }
  const weeks = Array.from({ length: n }, (_, i) => isoWeek(new Date(start.getTime() + i * WEEK)));
  const total = (c: number[]) => c.reduce((a, b) => a + b, 0);
  const series = [...byList].map(([list, counts]) => ({ list, counts })).sort((a, b) => total(b.counts) - total(a.counts) || a.list.localeCompare(b.list));
  return { weeks, series, from: start.toISOString(), to: end.toISOString() };
}

/** At most this many lists get a bar of their own; the others are summed as "OTHER". */
export const CHART_LISTS = 7;

/** The chart's data as bars: the busiest lists, the rest together, weeks labelled "W49". */
export function additionsChart(data: WeeklyAdditions): BarChart {
  const own = data.series.slice(0, CHART_LISTS);
  const rest = data.series.slice(CHART_LISTS);
  const series = own.map((s) => ({ label: s.list, values: s.counts }));
  if (rest.length) series.push({ label: `OTHER (${rest.length})`, values: data.weeks.map((_, i) => rest.reduce((a, s) => a + s.counts[i]!, 0)) });
  return {
    title: `DESIGNATIONS ADDED PER LIST PER WEEK, ${data.weeks[0]} TO ${data.weeks.at(-1)}`,
    categories: data.weeks.map((w) => w.slice(5)),
    series,
  };
}

/** The chart as a file to attach (PNG, base64), with a title that says it in words too. */
export function additionsChartFile(db: Db, until: Date, lists: readonly string[] | undefined, stem: string): ReplyFile {
  const data = weeklyAdditions(db, until, { lists });
  const { png } = renderBarChart(additionsChart(data));
  const totals = data.series.map((s) => `${s.list} ${s.counts.reduce((a, b) => a + b, 0)}`);
  return {
    name: `${stem}-designations-by-week.png`,
    type: 'image/png',
    title: `Designations added per list per ISO week, ${data.weeks[0]} to ${data.weeks.at(-1)}: ${totals.length ? totals.join(', ') : 'none'}`,
    content: png.toString('base64'),
    encoding: 'base64',
  };
}
