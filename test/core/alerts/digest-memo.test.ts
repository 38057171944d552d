/**
 * Delivering a digest builds its events and files once per distinct event set (digest.ts), found by the key
 * routing stores with each message (outbox-payload.ts eventSetKey), without reading the message's deliveries:
 * channels with the same filters share it, a channel with other filters gets its own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageFiles } from '../../../src/core/alerts/digest';
import { routeNewEvents } from '../../../src/core/alerts/outbox';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { tempDir } from '../../helpers/tmp';

describe('digest memo by event set', () => {
  it('is shared by channels with the same news, apart for other news, and needs no read of the deliveries', async () => {
    const dir = tempDir();
    const entities = (n: number) => ({ entities: Array.from({ length: n }, (_, i) => ({ id: `e${i}`, name: `Company ${i} Ltd`, country: i % 2 ? 'CN' : 'RU', effective_date: '2026-06-01', federal_register: `91 FR ${100 + i}`, type: 'entity' })) });
    writeFileSync(join(dir, 'el.json'), JSON.stringify(entities(2)));
    writeFileSync(join(dir, 'sources.json'), JSON.stringify({ sources: [{ id: 'el', format: 'entities-json', list: 'US-BIS-EL', location: 'el.json' }] }));
    const db = openDb(join(dir, 'memo.db'));
    try {
      await refreshSources(db, loadSourcesFile(join(dir, 'sources.json')));
      const store = new SubscriptionStore(db);
      const kinds = ['added', 'removed', 'changed', 'suspended'] as const;
      for (const channel of ['C1', 'C2']) store.subscribe({ platform: 'slack', channel, targets: ['US-BIS-EL'], kinds: [...kinds], countries: [], health: false });
      store.subscribe({ platform: 'slack', channel: 'C3', targets: ['US-BIS-EL'], kinds: [...kinds], countries: ['CN'], health: false });
      writeFileSync(join(dir, 'el.json'), JSON.stringify(entities(42)));
      await refreshSources(db, loadSourcesFile(join(dir, 'sources.json')));
      expect(routeNewEvents(db).queued).toBe(3);
      const rows = db.prepare<[], { id: number; channel: string; payload: string }>('SELECT id, channel, payload FROM outbox ORDER BY channel').all();
      const key = (channel: string) => (JSON.parse(rows.find((r) => r.channel === channel)!.payload) as { events?: string }).events;
      expect(key('C1')).toMatch(/^[0-9a-f]{32}$/);
      expect(key('C2')).toBe(key('C1'));
      expect(key('C3')).not.toBe(key('C1'));
      const id = (channel: string) => rows.find((r) => r.channel === channel)!.id;
      const csv = (channel: string) => messageFiles(db, id(channel), 'title').find((f) => f.type === 'text/csv')!.content;
      const all = csv('C1');
      expect(all.split('\n').filter((l) => l.includes('Company')).length).toBe(40);
      // C2's deliveries gone: its files still come from the memo its key finds (C1's, the same news).
      db.prepare('DELETE FROM deliveries WHERE outbox_id = ?').run(id('C2'));
      expect(csv('C2')).toBe(all);
      // C3 (China only) hears other news: its own files.
      const china = csv('C3');
      expect(china.split('\n').filter((l) => l.includes('Company')).length).toBe(20);
    } finally {
      db.close();
    }
  });
});
