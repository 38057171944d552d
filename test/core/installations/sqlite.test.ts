/** The SQLite installation store (migration 20): keys, org-wide installs, replace, remove, channels' workspaces. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installationKey, InstallationQueryError } from '../../../src/core/installations/store';
import { SqliteInstallations } from '../../../src/core/installations/sqlite';
import { openDb, type Db } from '../../../src/core/store/db';

let db: Db;
let store: SqliteInstallations;
beforeEach(() => {
  db = openDb(':memory:');
  store = new SqliteInstallations(db);
});
afterEach(() => db.close());

const alpha = { teamId: 'T0ALPHA', enterpriseInstall: false, botToken: 'xoxb-alpha', botUserId: 'UA', botId: 'BA', raw: { team: { id: 'T0ALPHA' }, bot: { token: 'xoxb-alpha', scopes: ['commands'] } } };
const org = { enterpriseId: 'E0ORG', enterpriseInstall: true, botToken: 'xoxb-org', botUserId: 'UO', raw: { enterprise: { id: 'E0ORG' }, isEnterpriseInstall: true } };

describe('SqliteInstallations', () => {
  it('keys a workspace install by team id and an org-wide one by enterprise id, and refuses a query that names neither', () => {
    expect(installationKey({ teamId: 'T1', enterpriseId: 'E1', enterpriseInstall: false })).toBe('T1');
    expect(installationKey({ teamId: 'T1', enterpriseId: 'E1', enterpriseInstall: true })).toBe('E1');
    expect(() => installationKey({ enterpriseInstall: false })).toThrow(InstallationQueryError);
    expect(() => installationKey({ teamId: 'T1', enterpriseInstall: true })).toThrow(/needs its enterprise id/);
  });

  it('stores an installation and finds it, the stored object given back as it was', async () => {
    const saved = await store.save(alpha, new Date('2026-01-01T00:00:00Z'));
    expect(saved).toMatchObject({ key: 'T0ALPHA', teamId: 'T0ALPHA', botToken: 'xoxb-alpha', botUserId: 'UA', botId: 'BA', enterpriseInstall: false, installedAt: '2026-01-01T00:00:00.000Z' });
    expect((await store.find({ teamId: 'T0ALPHA', enterpriseInstall: false }))!.raw).toEqual(alpha.raw);
    expect(await store.find({ teamId: 'T0OTHER', enterpriseInstall: false })).toBeUndefined();
  });

  it('replaces an installation on reinstall: new token, first install time kept', async () => {
    await store.save(alpha, new Date('2026-01-01T00:00:00Z'));
    const again = await store.save({ ...alpha, botToken: 'xoxb-alpha-2' }, new Date('2026-02-01T00:00:00Z'));
    expect(again).toMatchObject({ botToken: 'xoxb-alpha-2', installedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-02-01T00:00:00.000Z' });
    expect(await store.list()).toHaveLength(1);
  });

  it('answers a workspace of an org installed org-wide with the org\'s installation; its own install wins', async () => {
    await store.save(org);
    expect((await store.find({ teamId: 'T0GRIDWS', enterpriseId: 'E0ORG', enterpriseInstall: false }))!.botToken).toBe('xoxb-org');
    expect((await store.find({ enterpriseId: 'E0ORG', enterpriseInstall: true }))!.key).toBe('E0ORG');
    // A workspace outside the org is not.
    expect(await store.find({ teamId: 'T0GRIDWS', enterpriseId: 'E0OTHER', enterpriseInstall: false })).toBeUndefined();
    await store.save({ ...alpha, teamId: 'T0GRIDWS', enterpriseId: 'E0ORG', botToken: 'xoxb-ws' });
    expect((await store.find({ teamId: 'T0GRIDWS', enterpriseId: 'E0ORG', enterpriseInstall: false }))!.botToken).toBe('xoxb-ws');
  });

  it('removes exactly the installation named: a workspace\'s uninstall leaves its org\'s org-wide install', async () => {
    await store.save(org);
    await store.save(alpha);
    expect(await store.remove({ teamId: 'T0GRIDWS', enterpriseId: 'E0ORG', enterpriseInstall: false })).toBe(false);
    expect((await store.list()).map((i) => i.key).sort()).toEqual(['E0ORG', 'T0ALPHA']);
    expect(await store.remove({ enterpriseId: 'E0ORG', enterpriseInstall: true })).toBe(true);
    expect(await store.remove({ teamId: 'T0ALPHA', enterpriseInstall: false })).toBe(true);
    expect(await store.list()).toEqual([]);
  });

  it('remembers the workspace of a channel, and a later one (the channel moved to another workspace) replaces it', async () => {
    expect(await store.channelWorkspace('C1')).toBeUndefined();
    await store.rememberChannel('C1', { teamId: 'T0ALPHA' });
    await store.rememberChannel('C2', { teamId: 'T0GRIDWS', enterpriseId: 'E0ORG' });
    await store.rememberChannel('C3', {});
    expect(await store.channelWorkspace('C1')).toEqual({ teamId: 'T0ALPHA' });
    expect(await store.channelWorkspace('C2')).toEqual({ teamId: 'T0GRIDWS', enterpriseId: 'E0ORG' });
    expect(await store.channelWorkspace('C3')).toBeUndefined();
    await store.rememberChannel('C1', { teamId: 'T0BETA' });
    expect(await store.channelWorkspace('C1')).toEqual({ teamId: 'T0BETA' });
  });
});
