/**
 * Scheduled digests (issue 13): a channel takes its alerts as a daily or weekly summary at a local time of its
 * time zone. Times are DST-correct; routing still claims every event once; the summary goes out once at its time
 * (a fake clock), with the chart, and never again after a restart.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertSink, DeliveryResult } from '../../../src/core/alerts/delivery';
import { routeNewEvents } from '../../../src/core/alerts/outbox';
import { AlertPipeline } from '../../../src/core/alerts/pipeline';
import { describeSchedule, instantOf, nextSummary, scheduleFrom, type Schedule } from '../../../src/core/alerts/schedule';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { heldCount, queueDueSummaries } from '../../../src/core/alerts/summaries';
import { runCommand } from '../../../src/core/commands/handle';
import { parseCommand } from '../../../src/core/commands/parse';
import { fileBytes, type Reply } from '../../../src/core/commands/reply';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { SOURCES_DIR } from '../../helpers/shared';
import { decodePng } from '../../helpers/png';
import { tempDir } from '../../helpers/tmp';

const timeline = (step: number) => loadSourcesFile(join(SOURCES_DIR, `timeline-t${step}.json`));
const iso = (d: Date | undefined) => d?.toISOString();

class RecordingSink implements AlertSink {
  readonly sent: Array<{ channel: string; reply: Reply }> = [];
  private calls = 0;
  constructor(
    readonly platform: string,
    private readonly answer: (n: number) => DeliveryResult = () => ({ ok: true }),
  ) {}
  async deliver(channel: string, reply: Reply): Promise<DeliveryResult> {
    const result = this.answer(++this.calls);
    if (result.ok) this.sent.push({ channel, reply });
    return result;
  }
}

describe('schedules: parsed from the command, DST-correct times', () => {
  it('reads schedule:, at:, day: and tz: in the shared grammar, and refuses what it cannot read', () => {
    expect(parseCommand('subscribe US-OFAC-SDN schedule:daily at:08:00 tz:Europe/Berlin')).toMatchObject({
      name: 'subscribe',
      lists: ['US-OFAC-SDN'],
      schedule: { every: 'daily', at: '08:00', tz: 'Europe/Berlin' },
    });
    expect(parseCommand('subscribe schedule:weekly day:mon at:9:00 tz:America/New_York')).toMatchObject({ schedule: { every: 'weekly', day: 1, at: '09:00', tz: 'America/New_York' } });
    expect(parseCommand('subscribe cn schedule:live')).toMatchObject({ schedule: { every: 'live' } });
    expect(parseCommand('subscribe cn')).not.toHaveProperty('schedule');
    expect(parseCommand('subscribe schedule:daily tz:Mars/Olympus')).toMatchObject({ name: 'help', problem: expect.stringMatching(/tz: is a time zone/) });
    expect(parseCommand('subscribe schedule:daily at:25:00')).toMatchObject({ name: 'help', problem: expect.stringMatching(/at: is a time of day/) });
    expect(parseCommand('subscribe schedule:hourly')).toMatchObject({ name: 'help', problem: expect.stringMatching(/live, daily or weekly/) });
    expect(describeSchedule({ every: 'weekly', day: 1, at: '09:00', tz: 'America/New_York' })).toBe('a weekly summary on Mondays at 09:00 (America/New_York)');
    expect(scheduleFrom({ schedule: 'daily' })).toEqual({ ok: true, schedule: { every: 'daily', at: '08:00', tz: 'UTC' } });
  });

  it('keeps 08:00 Berlin time across both daylight-saving changes, and finds the gap and the repeated hour', () => {
    const daily: Schedule = { every: 'daily', at: '08:00', tz: 'Europe/Berlin' };
    expect(iso(nextSummary(daily, new Date('2026-03-28T07:00:00Z')))).toBe('2026-03-29T06:00:00.000Z'); // CEST from 29 March
    expect(iso(nextSummary(daily, new Date('2026-03-27T08:00:00Z')))).toBe('2026-03-28T07:00:00.000Z'); // CET before
    expect(iso(nextSummary(daily, new Date('2026-10-25T05:00:00Z')))).toBe('2026-10-25T07:00:00.000Z'); // CET again on 25 October
    expect(iso(nextSummary(daily, new Date('2026-12-01T07:00:00Z')))).toBe('2026-12-02T07:00:00.000Z'); // exactly at 08:00: the next day
    // 02:30 does not exist on 29 March (02:00 -> 03:00): an hour later; on 25 October it happens twice: the first.
    expect(iso(instantOf(2026, 3, 29, 2, 30, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(instantOf(2026, 10, 25, 2, 30, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
    const weekly: Schedule = { every: 'weekly', day: 1, at: '09:00', tz: 'America/New_York' };
    expect(iso(nextSummary(weekly, new Date('2026-12-01T10:00:00Z')))).toBe('2026-12-07T14:00:00.000Z'); // EST
    expect(iso(nextSummary(weekly, new Date('2026-03-04T00:00:00Z')))).toBe('2026-03-09T13:00:00.000Z'); // EDT from 8 March
    expect(iso(nextSummary({ every: 'daily', at: '23:30', tz: 'Asia/Shanghai' }, new Date('2026-12-01T16:00:00Z')))).toBe('2026-12-02T15:30:00.000Z');
  });
});

describe('a daily digest scheduled for a channel (issue 13 acceptance)', () => {
  const dir = tempDir();

  it('is delivered once at its time (fake clock), with everything since the last summary, its files and the chart', async () => {
    const db = openDb(join(dir, 'daily.db'));
    await refreshSources(db, timeline(0));
    let clock = new Date('2026-12-01T10:00:00Z');
    const now = () => clock;
    const ctx = { db, platform: 'slack', channel: 'C-DAILY', canManage: true, audit: false, now };
    const set = runCommand('subscribe US-OFAC-SDN schedule:daily at:08:00 tz:Europe/Berlin', ctx) as Reply;
    expect(set.summary).toMatch(/all of it as a daily summary at 08:00 \(Europe\/Berlin\)/);
    expect(JSON.stringify(set.blocks)).toContain('the first at 2026-12-02 08:00 Europe/Berlin');
    const listed = JSON.stringify((runCommand('subscriptions', ctx) as Reply).blocks);
    expect(listed).toContain('a daily summary at 08:00 (Europe/Berlin); next at 2026-12-02 08:00 Europe/Berlin, with 0 changes so far');
    // A live channel for comparison hears the same refresh at once.
    runCommand('subscribe US-OFAC-SDN', { ...ctx, channel: 'C-LIVE' });

    const slack = new RecordingSink('slack');
    const sinks = new Map<string, AlertSink>([['slack', slack]]);
    let pipeline = new AlertPipeline(db, { sinks, now });
    await refreshSources(db, timeline(1));
    await pipeline.tick();
    const daily = () => slack.sent.filter((s) => s.channel === 'C-DAILY');
    expect(slack.sent.filter((s) => s.channel === 'C-LIVE')).toHaveLength(1);
    expect(daily()).toHaveLength(0);
    const sub = new SubscriptionStore(db).get('slack', 'C-DAILY')!;
    expect(heldCount(db, sub.id)).toBe(298);
    expect(JSON.stringify((runCommand('subscriptions', ctx) as Reply).blocks)).toContain('next at 2026-12-02 08:00 Europe/Berlin, with 298 changes so far');

    // 07:59 in Berlin: not yet.
    clock = new Date('2026-12-02T06:59:00Z');
    await pipeline.tick();
    expect(daily()).toHaveLength(0);
    // 08:00 in Berlin: one summary of all 298, with CSV, Markdown and the chart.
    clock = new Date('2026-12-02T07:00:00Z');
    await pipeline.tick();
    expect(daily()).toHaveLength(1);
    const summary = daily()[0]!.reply;
    expect(summary.summary).toBe('Daily summary: 298 list changes from 2026-12-01 11:00 Europe/Berlin to 2026-12-02 08:00 Europe/Berlin');
    expect(JSON.stringify(summary.blocks)).toContain('OFAC added 298 entries to the SDN List');
    expect(summary.alert).toMatchObject({ digest: true, total: 298, summary: { every: 'daily', until: '2026-12-02T07:00:00.000Z', lists: ['US-OFAC-SDN'] } });
    expect(summary.blocks.at(-1)).toMatchObject({ type: 'actions', actions: [{ id: 'page', label: 'Show all 298' }, { id: 'ack', label: 'Acknowledge' }] });
    expect(summary.files!.map((f) => f.type)).toEqual(['text/csv', 'text/markdown', 'image/png']);
    expect(summary.files![0]!.content.trim().split('\n')).toHaveLength(299);
    const png = decodePng(fileBytes(summary.files![2]!));
    expect(png.width).toBeGreaterThan(100);
    expect(summary.files![2]!.name).toMatch(/^sanctions-daily-summary-2026-12-02-\d+-designations-by-week\.png$/);

    // Later the same morning, and after a restart: nothing more.
    clock = new Date('2026-12-02T07:30:00Z');
    await pipeline.tick();
    await pipeline.stop();
    pipeline = new AlertPipeline(db, { sinks, now });
    await pipeline.tick();
    expect(queueDueSummaries(db, clock)).toBe(0);
    expect(daily()).toHaveLength(1);
    expect(new SubscriptionStore(db).get('slack', 'C-DAILY')).toMatchObject({ summaryDueAt: '2026-12-03T07:00:00.000Z', summarySince: '2026-12-02T07:00:00.000Z' });

    // The next refresh goes into the next day's summary only: its 15 changes, none of the 298.
    await refreshSources(db, timeline(2));
    await pipeline.tick();
    expect(daily()).toHaveLength(1);
    clock = new Date('2026-12-03T07:00:00Z');
    await pipeline.tick();
    expect(daily()).toHaveLength(2);
    expect(daily()[1]!.reply.summary).toBe('Daily summary: 15 list changes from 2026-12-02 08:00 Europe/Berlin to 2026-12-03 08:00 Europe/Berlin');
    expect(daily()[1]!.reply.alert?.total).toBe(15);
    // A quiet day still gets its summary (saying so), with the chart and no empty CSV.
    clock = new Date('2026-12-04T07:00:00Z');
    await pipeline.tick();
    expect(daily()).toHaveLength(3);
    expect(daily()[2]!.reply.summary).toMatch(/^Daily summary: no list changes from 2026-12-03 08:00/);
    expect(daily()[2]!.reply.files!.map((f) => f.type)).toEqual(['image/png']);
    await pipeline.stop();
    db.close();
  });

  it('sends one summary after downtime over several summary times, retries it when the platform fails, and flushes what is held when the channel goes live', async () => {
    const db = openDb(join(dir, 'restart.db'));
    await refreshSources(db, timeline(0));
    let clock = new Date('2026-12-01T10:00:00Z');
    const now = () => clock;
    const ctx = { db, platform: 'discord', channel: '123456789012', canManage: true, audit: false, now };
    runCommand('subscribe cn schedule:weekly day:mon at:09:00 tz:America/New_York', ctx);
    await refreshSources(db, timeline(1));
    routeNewEvents(db, clock);
    const sub = new SubscriptionStore(db).get('discord', '123456789012')!;
    expect(sub.summaryDueAt).toBe('2026-12-07T14:00:00.000Z');
    const held = heldCount(db, sub.id);
    expect(held).toBeGreaterThan(0);

    // Down until the Wednesday after two Mondays: one summary of everything, then the schedule again.
    clock = new Date('2026-12-16T12:00:00Z');
    const failing = new RecordingSink('discord', (n) => (n === 1 ? { ok: false, permanent: false, reason: 'HTTP 503' } : { ok: true }));
    const pipeline = new AlertPipeline(db, { sinks: new Map([['discord', failing]]), now, random: () => 0, baseDelayMs: 1000 });
    await pipeline.tick();
    expect(failing.sent).toHaveLength(0);
    clock = new Date('2026-12-16T12:01:00Z');
    await pipeline.tick();
    expect(failing.sent).toHaveLength(1);
    expect(failing.sent[0]!.reply.summary).toMatch(new RegExp(`^Weekly summary: ${held} list changes from 2026-12-01 05:00 America/New_York to 2026-12-16 07:00 America/New_York`));
    expect(new SubscriptionStore(db).get('discord', '123456789012')!.summaryDueAt).toBe('2026-12-21T14:00:00.000Z');
    await pipeline.tick();
    expect(failing.sent).toHaveLength(1);

    // Held changes go out at once when the channel goes back to live alerts.
    await refreshSources(db, timeline(2));
    routeNewEvents(db, clock);
    const waiting = heldCount(db, sub.id);
    expect(waiting).toBeGreaterThan(0);
    // Moved to another time: what waits stays for the summary at the new time (nothing sent now).
    const moved = runCommand('subscribe schedule:daily at:07:00 tz:Asia/Shanghai', ctx) as Reply;
    expect(JSON.stringify(moved.blocks)).toContain(`The ${waiting} changes waiting so far go into that summary.`);
    expect(JSON.stringify(moved.blocks)).toContain('the first at 2026-12-17 07:00 Asia/Shanghai');
    await pipeline.tick();
    expect(failing.sent).toHaveLength(1);
    expect(heldCount(db, sub.id)).toBe(waiting);
    const live = runCommand('subscribe schedule:live', ctx) as Reply;
    expect(JSON.stringify(live.blocks)).toContain(`The ${waiting} changes held for the old schedule go out now, as one summary.`);
    await pipeline.tick();
    expect(failing.sent).toHaveLength(2);
    expect(heldCount(db, sub.id)).toBe(0);
    expect(new SubscriptionStore(db).get('discord', '123456789012')).toMatchObject({ schedule: { every: 'live' } });
    await pipeline.stop();
    db.close();
  });
});
