/** Acknowledgements ("Acknowledge") are part of `sanctions audit`: who handled which alert message, where and when. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli';
import { ackTrail, recordLookup } from '../../../src/core/audit';
import { acknowledge } from '../../../src/core/alerts/digest';
import type { LookupResponse } from '../../../src/core/lookup';
import { openDb } from '../../../src/core/store/db';
import { tempDir } from '../../helpers/tmp';

async function cli(args: string[]) {
  const out: string[] = [];
  const code = await run(args, { out: (t) => out.push(t), err: () => {}, env: {} });
  return { code, out: out.join('\n'), lines: out.join('\n').split('\n').filter(Boolean) };
}

describe('sanctions audit lists acknowledged alerts as entries of their own kind', () => {
  const path = join(tempDir(), 'acks.db');

  it('shows who acknowledged which alert message, on which platform and channel, and when (text and --json)', async () => {
    const db = openDb(path);
    const payload = JSON.stringify({ blocks: [{ type: 'heading', text: 'OFAC added 298 entries to the SDN List' }], summary: 'OFAC added 298', private: false, alert: { outbox: 1, digest: true } });
    db.prepare("INSERT INTO subscriptions (platform, channel, targets, created_at, updated_at, cursor) VALUES ('slack', 'C0COMPLIANCE', '[\"all\"]', '2026-12-01T08:00:00.000Z', '2026-12-01T08:00:00.000Z', 0)").run();
    db.prepare("INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) VALUES (1, 'slack', 'C0COMPLIANCE', 'digest', ?, '2026-12-01T09:00:00.000Z', '2026-12-01T09:00:00.000Z')").run(payload);
    recordLookup(db, { platform: 'slack', actor: 'UUSER', place: 'T0/C0' }, { query: 'Hikvision', results: [] } as unknown as LookupResponse, new Date('2026-12-01T09:30:00Z'));
    const ack = acknowledge(db, 1, { platform: 'slack', channel: 'C0COMPLIANCE', user: 'UANALYST', name: 'Ana' }, new Date('2026-12-01T10:15:00Z'))!;
    expect(ack.recorded).toBe(true);
    // A second press records nothing new: the first person stays the one who handled it.
    acknowledge(db, 1, { platform: 'slack', channel: 'C0COMPLIANCE', user: 'UOTHER' }, new Date('2026-12-01T11:00:00Z'));
    expect(ackTrail(db)).toEqual([
      { kind: 'ack', outbox: 1, at: '2026-12-01T10:15:00.000Z', platform: 'slack', channel: 'C0COMPLIANCE', actor: 'UANALYST', name: 'Ana', message: 'digest', headline: 'OFAC added 298 entries to the SDN List', queuedAt: '2026-12-01T09:00:00.000Z' },
    ]);
    db.close();

    const json = (await cli(['audit', '--json', '--db', path])).lines.map((l) => JSON.parse(l) as { kind: string; at: string });
    // Newest first, each entry saying its kind; lookups keep every field they had.
    expect(json.map((e) => e.kind)).toEqual(['ack', 'lookup']);
    expect(json[0]).toMatchObject({ kind: 'ack', actor: 'UANALYST', name: 'Ana', platform: 'slack', channel: 'C0COMPLIANCE', outbox: 1, message: 'digest' });
    expect(json[1]).toMatchObject({ kind: 'lookup', platform: 'slack', actor: 'UUSER', query: 'Hikvision' });

    const text = await cli(['audit', '--db', path]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/Hikvision/);
    expect(text.out).toMatch(/Acknowledged alerts:/);
    expect(text.out).toMatch(/1\s+2026-12-01 10:15:00.*slack\s+Ana \(UANALYST\)\s+C0COMPLIANCE\s+digest: OFAC added 298 entries to the SDN List/);
  });
});
