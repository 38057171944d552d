/**
 * The alert scenario end to end: a Slack channel subscribed to US-OFAC-SDN and a Discord channel subscribed to
 * side cn, both through the real sinks to loopback fakes, over the timeline t0 -> t1 -> t2 and a repeat.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiscordSink } from '../../src/bots/discord/sink';
import { SlackSink } from '../../src/bots/slack/sink';
import type { AlertSink } from '../../src/core/alerts/delivery';
import { AlertPipeline } from '../../src/core/alerts/pipeline';
import { SubscriptionStore } from '../../src/core/alerts/subscriptions';
import { refreshSources } from '../../src/core/refresh';
import { loadSourcesFile } from '../../src/core/sources/config';
import { openDb } from '../../src/core/store/db';
import { SOURCES_DIR } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';
import { FakeDiscord } from './discord/fake-discord';
import { startFakeSlack } from './slack/fake-slack';

const timeline = (step: number) => loadSourcesFile(join(SOURCES_DIR, `timeline-t${step}.json`));
const ALL = ['added', 'removed', 'changed', 'suspended'] as const;

describe('alert scenario on Slack and Discord fakes', () => {
  const dir = tempDir();

  it('delivers the SDN digests to Slack and China\'s additions to Discord, once each, and nothing on a repeat', async () => {
    const slackFake = await startFakeSlack({ admins: new Set() });
    const discordFake = await FakeDiscord.start();
    const db = openDb(join(dir, 'scenario.db'));
    try {
      await refreshSources(db, timeline(0));
      const subs = new SubscriptionStore(db);
      subs.subscribe({ platform: 'slack', channel: 'C0SDN', targets: ['US-OFAC-SDN'], kinds: [...ALL], countries: [], health: false });
      subs.subscribe({ platform: 'discord', channel: '1200000000000000777', targets: ['side:cn'], kinds: [...ALL], countries: [], health: false });
      const sinks = new Map<string, AlertSink>([
        ['slack', SlackSink.create({ token: 'xoxb-test', apiUrl: slackFake.apiUrl })],
        ['discord', new DiscordSink({ token: 'test-token.discord', apiUrl: discordFake.api })],
      ]);
      const pipeline = new AlertPipeline(db, { sinks });
      const slackPosts = () => slackFake.calls.filter((c) => c.method === 'chat.postMessage');
      const discordPosts = () => discordFake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v10/channels/1200000000000000777/messages');

      for (const step of [1, 2, 2]) {
        await refreshSources(db, timeline(step));
        await pipeline.tick();
      }
      await pipeline.stop();

      expect(slackPosts()).toHaveLength(2);
      expect(slackPosts().map((c) => c.body.channel)).toEqual(['C0SDN', 'C0SDN']);
      expect(String(slackPosts()[0]!.body.text)).toMatch(/^OFAC added 298 entries to the SDN List \(RUSSIA-EO14024/);
      expect(JSON.stringify(slackPosts()[0]!.body.blocks)).toContain('JUHANG AVIATION TECHNOLOGY SHENZHEN CO., LTD.');
      expect(String(slackPosts()[1]!.body.text)).toMatch(/^OFAC added 7 entries to the SDN List \(SDGT\); OFAC removed 8 entries from the SDN List/);
      // t1 -> t2: additions before removals; an aircraft reads as an aircraft; a removal says since when it was listed.
      const lines = (slackPosts()[1]!.body.blocks as Array<{ type: string; text?: { text: string } }>).filter((b) => b.type === 'section').map((b) => b.text!.text);
      const firstRemoval = lines.findIndex((l) => / removed from /.test(l));
      expect(lines.slice(0, firstRemoval).every((l) => / added to /.test(l))).toBe(true);
      expect(lines.slice(firstRemoval).filter((l) => / removed from /.test(l))).toHaveLength(8);
      const aircraft = lines.find((l) => l.includes('*9H-AMN*'))!;
      expect(aircraft).toMatch(/\*9H-AMN\* _aircraft_ removed from \*SDN\* \(US-OFAC-SDN\) · listed since at least \d{4}-\d\d-\d\d \(the source gives no date; first seen then\) · RUSSIA-EO14024/);
      // Each digest's files went up into its thread: 298 rows, then 15.
      const csvs = slackFake.calls.filter((c) => c.method === 'upload').map((c) => String(c.body.content)).filter((t) => t.startsWith('party,'));
      expect(csvs.map((t) => t.trim().split('\r\n').length - 1)).toEqual([298, 15]);

      expect(discordPosts()).toHaveLength(2);
      // A digest goes with its files: multipart, the message itself in payload_json.
      const message = (r: { body: unknown }) => (typeof r.body === 'string' ? (JSON.parse(/name="payload_json"\r\n(?:Content-Type: [^\r]*\r\n)?\r\n(.*?)\r\n--/s.exec(r.body)![1]!) as Record<string, unknown>) : (r.body as Record<string, unknown>));
      const bodies = discordPosts().map((r) => JSON.stringify(message(r)));
      expect(bodies[0]).toMatch(/MOFCOM added 14 entries to the Export Control List/);
      expect(bodies[0]).toContain('Rheinmetall AG');
      expect(bodies[1]).toMatch(/MOFCOM added 7 entries to the Countermeasures List/);
      for (const r of discordPosts()) expect(message(r).allowed_mentions).toEqual({ parse: [] });
      expect(discordPosts().every((r) => typeof r.body === 'string' && /filename="sanctions-digest-[^"]+\.csv"/.test(r.body))).toBe(true);
      // Issue 13, seen 2: each digest points at a recent that lists all of its events, as each platform types it;
      // never at a bare `recent` (7 days of every list, 20 at a time, is not the rest of this digest).
      const t1 = db.prepare<[], { r: number }>("SELECT MIN(refresh_id) AS r FROM events WHERE list = 'US-OFAC-SDN'").get()!.r;
      expect(JSON.stringify(slackPosts()[0]!.body.blocks)).toContain(`All 298 of them, a page at a time: \`/sanctions recent refresh:${t1} list:US-OFAC-SDN kind:added\``);
      expect(JSON.stringify(slackPosts()[0]!.body.blocks)).not.toContain('lists them all');
      expect(bodies[0]).toMatch(/All 14 of them, a page at a time: `\/sanctions recent refresh:\d+ list:[A-Z,-]+/);
      expect(db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'delivered'").get()!.n).toBe(4);
    } finally {
      db.close();
      await slackFake.close();
      await discordFake.close();
    }
  });
});
