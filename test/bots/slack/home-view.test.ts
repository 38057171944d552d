/**
 * The App Home view built from the real data, crowded on purpose: many subscribed channels, many lookups with
 * the longest real party names, many change events, hostile text. It must stay within Block Kit's limits and
 * escape everything from data.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { homeView, searchModal } from '../../../src/bots/slack/home';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { recordLookup } from '../../../src/core/audit';
import { homeOverview, type HomeOverview } from '../../../src/core/home/overview';
import { LIST_CODES, type ListCode } from '../../../src/core/lists';
import { lookup } from '../../../src/core/lookup';
import { openDb, type Db } from '../../../src/core/store/db';
import { tempDir } from '../../helpers/tmp';
import { assertBlockKitLimits } from './block-kit-limits';

const dir = tempDir('sanctions-home-view-');
let db: Db;
const HOSTILE = '<!channel> *bold* <@U123> & <https://evil.example|click>';
const NOW = new Date('2026-12-01T12:00:00Z');

beforeAll(() => {
  copyFileSync(inject('currentDb'), join(dir, 'home.db'));
  db = openDb(join(dir, 'home.db'));
  // 60 subscribed channels (the person is in all of them), with every kind of target and a hostile pause reason.
  const subs = new SubscriptionStore(db);
  for (let i = 0; i < 60; i++) {
    const targets = i % 3 === 0 ? (['all'] as const) : i % 3 === 1 ? (['side:cn'] as const) : ([...LIST_CODES.slice(0, 12)] as ListCode[]);
    const sub = subs.subscribe({ platform: 'slack', channel: `C0CH${String(i).padStart(3, '0')}`, targets: [...targets], kinds: ['added', 'removed', 'changed', 'suspended'], countries: ['CN', 'HK', 'RU'], health: true });
    if (i % 7 === 0) subs.pause(sub.id, HOSTILE);
  }
  // 40 lookups by the person: the longest real names, and a hostile query.
  const longest = db.prepare<[], { name: string }>('SELECT name FROM records ORDER BY length(name) DESC LIMIT 40').all();
  for (const { name } of longest) recordLookup(db, { platform: 'slack', actor: 'UCROWD' }, lookup(db, name.slice(0, 200), { limit: 5 }), NOW);
  recordLookup(db, { platform: 'slack', actor: 'UCROWD' }, { ...lookup(db, 'Hikvision', { limit: 5 }), query: HOSTILE }, NOW);
  // 200 change events in the last week, on the longest real names.
  const refresh = db.prepare("INSERT INTO refreshes (source_id, started_at, outcome) VALUES ('us-bis-el', ?, 'applied') RETURNING id").get(NOW.toISOString()) as { id: number };
  const records = db.prepare<[], { id: number; source_id: string; key: string; name: string; list: string }>(
    'SELECT r.id, r.source_id, r.key, r.name, d.list FROM records r JOIN designations d ON d.record_id = r.id ORDER BY length(r.name) DESC LIMIT 200',
  ).all();
  const insert = db.prepare('INSERT INTO events (at, refresh_id, kind, list, source_id, record_id, record_key, name, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  records.forEach((r, i) => insert.run(new Date(NOW.getTime() - i * 60_000).toISOString(), refresh.id, ['added', 'removed', 'changed', 'suspended'][i % 4], r.list, r.source_id, r.id, r.key, i === 0 ? HOSTILE : r.name, JSON.stringify(i % 4 === 2 ? { fields: ['addresses', 'aliases'] } : {})));
});

afterAll(() => db?.close());

function allText(blocks: unknown): string {
  return JSON.stringify(blocks);
}

describe('the App Home view from crowded real data', () => {
  let overview: HomeOverview;

  it('bounds what it reads: 8 lookups, 10 channels (and how many more), 8 events (and how many in the week)', () => {
    overview = homeOverview(db, { platform: 'slack', user: 'UCROWD', memberOf: new Set(Array.from({ length: 60 }, (_, i) => `C0CH${String(i).padStart(3, '0')}`)), now: NOW });
    expect(overview.recent).toHaveLength(8);
    expect(overview.recent[0]!.query).toBe(HOSTILE);
    expect(overview.channels).toHaveLength(10);
    expect(overview.moreChannels).toBe(50);
    expect(overview.events).toHaveLength(8);
    expect(overview.totalEvents).toBe(200);
    expect(overview.lists.length).toBeGreaterThanOrEqual(15);
  });

  it('stays within Block Kit limits and escapes data, even when handed everything unbounded', () => {
    const bounded = homeView(overview);
    assertBlockKitLimits(bounded.blocks, 100);
    // Unbounded: every lookup, channel and event at once.
    const recent = db.prepare<[], { at: string; query: string; results: string }>("SELECT at, query, results FROM audit WHERE actor = 'UCROWD'").all().map((r) => ({ ...r, results: JSON.parse(r.results) as HomeOverview['recent'][number]['results'] }));
    const all = homeOverview(db, { platform: 'slack', user: 'UCROWD', memberOf: new Set(Array.from({ length: 60 }, (_, i) => `C0CH${String(i).padStart(3, '0')}`)), now: NOW, recentLimit: 100, channelLimit: 100, eventLimit: 200 });
    const crowded = homeView({ ...all, recent: [...recent, ...recent, ...recent] });
    expect(all.events).toHaveLength(200);
    assertBlockKitLimits(crowded.blocks, 100);
    for (const view of [bounded, crowded]) {
      const text = allText(view.blocks);
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<@U123>');
      expect(text).not.toContain('<https://evil');
      expect(text).toContain('&lt;!channel&gt;');
    }
    // No raw "<" in any mrkdwn text but a channel reference or an official link: Slack would read it as markup.
    for (const view of [bounded, crowded]) {
      const texts = JSON.stringify(view.blocks).match(/"text":"(?:[^"\\]|\\.)*"/g) ?? [];
      for (const t of texts) expect(t.match(/<(?!#C[A-Z0-9]+>|https?:\/\/)/g)).toBeNull();
    }
    // Channel references are the one link the Home makes, to real channel ids only.
    expect(allText(bounded.blocks)).toContain('<#C0CH000>');
  });

  it('the search modal stays within limits too', () => {
    const modal = searchModal();
    assertBlockKitLimits(modal.blocks, 100);
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
  });
});
