/**
 * One suite for the installation store, run on each engine (sqlite.test.ts: migration 20; postgres.test.ts:
 * PostgreSQL migration 2): keys, org-wide installs, replace, remove, channels' workspaces, export and restore.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { installationKey, InstallationQueryError, type WorkspaceInstallations } from '../../../src/core/installations/store';

export interface InstallationsUnderTest {
  name: 'sqlite' | 'postgres';
  /** A store on a fresh, migrated database (closed by the test file). */
  open(): Promise<WorkspaceInstallations>;
}

const alpha = { teamId: 'T0ALPHA', enterpriseInstall: false, botToken: 'xoxb-alpha', botUserId: 'UA', botId: 'BA', raw: { team: { id: 'T0ALPHA' }, bot: { token: 'xoxb-alpha', scopes: ['commands'] } } };
const org = { enterpriseId: 'E0ORG', enterpriseInstall: true, botToken: 'xoxb-org', botUserId: 'UO', raw: { enterprise: { id: 'E0ORG' }, isEnterpriseInstall: true } };

export function installationsSuite(engine: InstallationsUnderTest): void {
  describe(`installations on ${engine.name}`, () => {
    let store: WorkspaceInstallations;
    beforeEach(async () => {
      store = await engine.open();
    });

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

    it('lists every channel\'s workspace, and puts back installations and channels as exported: times kept, twice changes nothing', async () => {
      await store.save(alpha, new Date('2026-01-01T00:00:00Z'));
      await store.save({ ...alpha, botToken: 'xoxb-alpha-2' }, new Date('2026-02-01T00:00:00Z'));
      await store.save(org, new Date('2026-01-15T00:00:00Z'));
      await store.rememberChannel('C2', { teamId: 'T0GRIDWS', enterpriseId: 'E0ORG' }, new Date('2026-03-01T00:00:00Z'));
      await store.rememberChannel('C1', { teamId: 'T0ALPHA' }, new Date('2026-03-02T00:00:00Z'));
      const installs = await store.list();
      const channels = await store.channels();
      expect(channels).toEqual([
        { channel: 'C1', teamId: 'T0ALPHA', updatedAt: '2026-03-02T00:00:00.000Z' },
        { channel: 'C2', teamId: 'T0GRIDWS', enterpriseId: 'E0ORG', updatedAt: '2026-03-01T00:00:00.000Z' },
      ]);

      const target = await engine.open();
      for (const i of installs) expect(await target.restore(i)).toBe(true);
      for (const c of channels) expect(await target.restoreChannel(c)).toBe(true);
      expect(await target.list()).toEqual(installs);
      expect(await target.channels()).toEqual(channels);
      expect((await target.find({ teamId: 'T0ALPHA', enterpriseInstall: false }))!).toMatchObject({ botToken: 'xoxb-alpha-2', installedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-02-01T00:00:00.000Z' });
      // Again: nothing is written.
      for (const i of installs) expect(await target.restore(i)).toBe(false);
      for (const c of channels) expect(await target.restoreChannel(c)).toBe(false);
      // A changed token is.
      expect(await target.restore({ ...installs[0]!, botToken: 'xoxb-new' })).toBe(true);
      // A key that does not follow from the ids is refused.
      await expect(target.restore({ ...installs[0]!, key: 'T0WRONG' })).rejects.toThrow(/its key should be/);
    });
  });
}
