/**
 * Slack installations (store.ts) in the SQLite store: tables slack_installations and slack_channel_workspaces
 * (migration 20). Prepared statements; the async interface resolves at once.
 */
import type { Db } from '../store/db';
import { channelFromRow, fromRow, installationColumns, restoredRow, type ChannelRow, type Row } from './rows';
import {
  installationKey,
  type ChannelWorkspace,
  type NewInstallation,
  type RememberedChannel,
  type WorkspaceInstallation,
  type WorkspaceInstallations,
  type WorkspaceQuery,
} from './store';

export class SqliteInstallations implements WorkspaceInstallations {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      get: db.prepare<[string], Row>('SELECT * FROM slack_installations WHERE id = ?'),
      org: db.prepare<[string], Row>('SELECT * FROM slack_installations WHERE id = ? AND enterprise_install = 1'),
      put: db.prepare<[Omit<Row, 'installed_at' | 'updated_at'> & { at: string }]>(
        `INSERT INTO slack_installations (id, team_id, enterprise_id, enterprise_install, bot_token, bot_user_id, bot_id, installation, installed_at, updated_at)
         VALUES (@id, @team_id, @enterprise_id, @enterprise_install, @bot_token, @bot_user_id, @bot_id, @installation, @at, @at)
         ON CONFLICT (id) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, enterprise_install = excluded.enterprise_install,
           bot_token = excluded.bot_token, bot_user_id = excluded.bot_user_id, bot_id = excluded.bot_id, installation = excluded.installation, updated_at = excluded.updated_at`,
      ),
      remove: db.prepare<[string]>('DELETE FROM slack_installations WHERE id = ?'),
      list: db.prepare<[], Row>('SELECT * FROM slack_installations ORDER BY installed_at, id'),
      channel: db.prepare<[string], { team_id: string | null; enterprise_id: string | null }>('SELECT team_id, enterprise_id FROM slack_channel_workspaces WHERE channel = ?'),
      remember: db.prepare<[{ channel: string; team: string | null; enterprise: string | null; at: string }]>(
        `INSERT INTO slack_channel_workspaces (channel, team_id, enterprise_id, updated_at) VALUES (@channel, @team, @enterprise, @at)
         ON CONFLICT (channel) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, updated_at = excluded.updated_at
         WHERE slack_channel_workspaces.team_id IS NOT excluded.team_id OR slack_channel_workspaces.enterprise_id IS NOT excluded.enterprise_id`,
      ),
      channels: db.prepare<[], ChannelRow>('SELECT * FROM slack_channel_workspaces ORDER BY channel'),
      restore: db.prepare<[Row]>(
        `INSERT INTO slack_installations (id, team_id, enterprise_id, enterprise_install, bot_token, bot_user_id, bot_id, installation, installed_at, updated_at)
         VALUES (@id, @team_id, @enterprise_id, @enterprise_install, @bot_token, @bot_user_id, @bot_id, @installation, @installed_at, @updated_at)
         ON CONFLICT (id) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, enterprise_install = excluded.enterprise_install,
           bot_token = excluded.bot_token, bot_user_id = excluded.bot_user_id, bot_id = excluded.bot_id, installation = excluded.installation,
           installed_at = excluded.installed_at, updated_at = excluded.updated_at
         WHERE (slack_installations.team_id, slack_installations.enterprise_id, slack_installations.enterprise_install, slack_installations.bot_token,
                slack_installations.bot_user_id, slack_installations.bot_id, slack_installations.installation, slack_installations.installed_at, slack_installations.updated_at)
           IS NOT (excluded.team_id, excluded.enterprise_id, excluded.enterprise_install, excluded.bot_token, excluded.bot_user_id, excluded.bot_id,
                   excluded.installation, excluded.installed_at, excluded.updated_at)`,
      ),
      restoreChannel: db.prepare<[ChannelRow]>(
        `INSERT INTO slack_channel_workspaces (channel, team_id, enterprise_id, updated_at) VALUES (@channel, @team_id, @enterprise_id, @updated_at)
         ON CONFLICT (channel) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, updated_at = excluded.updated_at
         WHERE (slack_channel_workspaces.team_id, slack_channel_workspaces.enterprise_id, slack_channel_workspaces.updated_at)
           IS NOT (excluded.team_id, excluded.enterprise_id, excluded.updated_at)`,
      ),
    };
  }

  async save(i: NewInstallation, now = new Date()): Promise<WorkspaceInstallation> {
    const columns = installationColumns(i);
    this.q.put.run({ ...columns, at: now.toISOString() });
    return fromRow(this.q.get.get(columns.id)!);
  }

  async find(query: WorkspaceQuery): Promise<WorkspaceInstallation | undefined> {
    const own = this.q.get.get(installationKey(query));
    if (own) return fromRow(own);
    // A workspace of an org the app was installed on as a whole answers with the org's installation.
    const org = !query.enterpriseInstall && query.enterpriseId ? this.q.org.get(query.enterpriseId) : undefined;
    return org && fromRow(org);
  }

  async remove(query: WorkspaceQuery): Promise<boolean> {
    return this.q.remove.run(installationKey(query)).changes > 0;
  }

  async list(): Promise<WorkspaceInstallation[]> {
    return this.q.list.all().map(fromRow);
  }

  async rememberChannel(channel: string, where: ChannelWorkspace, now = new Date()): Promise<void> {
    if (!where.teamId && !where.enterpriseId) return;
    this.q.remember.run({ channel, team: where.teamId ?? null, enterprise: where.enterpriseId ?? null, at: now.toISOString() });
  }

  async channelWorkspace(channel: string): Promise<ChannelWorkspace | undefined> {
    const row = this.q.channel.get(channel);
    if (!row) return undefined;
    return { ...(row.team_id ? { teamId: row.team_id } : {}), ...(row.enterprise_id ? { enterpriseId: row.enterprise_id } : {}) };
  }

  async channels(): Promise<RememberedChannel[]> {
    return this.q.channels.all().map(channelFromRow);
  }

  async restore(installation: WorkspaceInstallation): Promise<boolean> {
    return this.q.restore.run(restoredRow(installation)).changes > 0;
  }

  async restoreChannel(row: RememberedChannel): Promise<boolean> {
    return this.q.restoreChannel.run({ channel: row.channel, team_id: row.teamId ?? null, enterprise_id: row.enterpriseId ?? null, updated_at: row.updatedAt }).changes > 0;
  }
}
