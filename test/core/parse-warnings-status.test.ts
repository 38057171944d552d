import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli';
import { SOURCES_DIR } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';

describe('notices that parse to nothing are surfaced, never dropped silently (issue 12)', () => {
  const dir = tempDir();

  it('a refresh of the official notices prints the warning, and status keeps it', async () => {
    const out: string[] = [];
    const db = join(dir, 'w.db');
    // The real folder of MOFCOM/MFA texts: the PVH investigation notice names no target and changes nothing.
    expect(await run(['refresh', '--db', db, '--sources', join(SOURCES_DIR, 'notices.json')], { out: (t) => out.push(t), err: () => {}, env: {} })).toBe(0);
    expect(out.join('\n')).toMatch(/warning: .+/);
    const status: string[] = [];
    await run(['status', '--json', '--db', db], { out: (t) => status.push(t), err: () => {}, env: {} });
    const row = JSON.parse(status[0]!);
    expect(row.warnings.length).toBeGreaterThan(0);
    const text: string[] = [];
    await run(['status', '--db', db], { out: (t) => text.push(t), err: () => {}, env: {} });
    expect(text.join('\n')).toMatch(/warning: /);
  });
});
