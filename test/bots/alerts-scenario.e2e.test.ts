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
      expect(String(slackPosts()[0]!.body.text)).toMatch(/^298 list changes: 298 added to US-OFAC-SDN/);
      expect(JSON.stringify(slackPosts()[0]!.body.blocks)).toContain('JUHANG AVIATION TECHNOLOGY SHENZHEN CO., LTD.');
      expect(String(slackPosts()[1]!.body.text)).toMatch(/^15 list changes: 7 added to US-OFAC-SDN; 8 removed from US-OFAC-SDN/);

      expect(discordPosts()).toHaveLength(2);
      const bodies = discordPosts().map((r) => JSON.stringify(r.body));
      expect(bodies[0]).toMatch(/14 list changes/);
      expect(bodies[0]).toContain('Rheinmetall AG');
      expect(bodies[1]).toMatch(/7 list changes/);
      for (const r of discordPosts()) expect((r.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [] });
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
