import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDotEnv } from '../../src/core/env-file';

describe('.env at start', () => {
  const dirs: string[] = [];
  const dir = (text?: string) => {
    const d = mkdtempSync(join(tmpdir(), 'dotenv-'));
    dirs.push(d);
    if (text !== undefined) writeFileSync(join(d, '.env'), text);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('sets what the environment lacks; the environment wins over the file', () => {
    const env: NodeJS.ProcessEnv = { SANCTIONS_DB: '/from/env.db' };
    const r = loadDotEnv(env, dir('# comment\nSANCTIONS_DB=/from/file.db\nREFRESH_CRON="*/5 * * * *"\nSLACK_PORT=3100\n'));
    expect(env.SANCTIONS_DB).toBe('/from/env.db');
    expect(env.REFRESH_CRON).toBe('*/5 * * * *');
    expect(env.SLACK_PORT).toBe('3100');
    expect(r.applied.sort()).toEqual(['REFRESH_CRON', 'SLACK_PORT']);
  });

  it('is quiet without a .env, but names a missing ENV_FILE', () => {
    const d = dir();
    expect(loadDotEnv({}, d)).toEqual({ applied: [] });
    expect(() => loadDotEnv({ ENV_FILE: 'prod.env' }, d)).toThrow(/prod\.env \(ENV_FILE\): ENOENT/);
  });
});
