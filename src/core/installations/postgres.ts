/**
 * Slack installations (store.ts) in the PostgreSQL store (DATABASE_URL): tables slack_installations and
 * slack_channel_workspaces (PostgreSQL migration 2), the same columns and semantics as SQLite's (sqlite.ts), so that
 * every host serving commands finds each workspace's token.
 */
import type pg from 'pg';
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

const COLUMNS = 'id, team_id, enterprise_id, enterprise_install, bot_token, bot_user_id, bot_id, installation';

export class PostgresInstallations implements WorkspaceInstallations {
  constructor(private readonly pool: pg.Pool) {}

  private async one(sql: string, values: unknown[]): Promise<WorkspaceInstallation | undefined> {
    const row = (await this.pool.query<Row>(sql, values)).rows[0];
    return row && fromRow(row);
  }

  async save(i: NewInstallation, now = new Date()): Promise<WorkspaceInstallation> {
    const c = installationColumns(i);
    const saved = await this.one(
      `INSERT INTO slack_installations (${COLUMNS}, installed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
       ON CONFLICT (id) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, enterprise_install = excluded.enterprise_install,
         bot_token = excluded.bot_token, bot_user_id = excluded.bot_user_id, bot_id = excluded.bot_id, installation = excluded.installation, updated_at = excluded.updated_at
       RETURNING *`,
      [c.id, c.team_id, c.enterprise_id, c.enterprise_install, c.bot_token, c.bot_user_id, c.bot_id, c.installation, now.toISOString()],
    );
    return saved!;
  }

  async find(query: WorkspaceQuery): Promise<WorkspaceInstallation | undefined> {
    const own = await this.one('SELECT * FROM slack_installations WHERE id = $1', [installationKey(query)]);
    if (own) return own;
    // A workspace of an org the app was installed on as a whole answers with the org's installation.
    if (query.enterpriseInstall || !query.enterpriseId) return undefined;
    return this.one('SELECT * FROM slack_installations WHERE id = $1 AND enterprise_install = 1', [query.enterpriseId]);
  }

  async remove(query: WorkspaceQuery): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM slack_installations WHERE id = $1', [installationKey(query)])).rowCount ?? 0) > 0;
  }

  async list(): Promise<WorkspaceInstallation[]> {
    return (await this.pool.query<Row>('SELECT * FROM slack_installations ORDER BY installed_at, id')).rows.map(fromRow);
  }

  async rememberChannel(channel: string, where: ChannelWorkspace, now = new Date()): Promise<void> {
    if (!where.teamId && !where.enterpriseId) return;
    await this.pool.query(
      `INSERT INTO slack_channel_workspaces (channel, team_id, enterprise_id, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, updated_at = excluded.updated_at
       WHERE slack_channel_workspaces.team_id IS DISTINCT FROM excluded.team_id OR slack_channel_workspaces.enterprise_id IS DISTINCT FROM excluded.enterprise_id`,
      [channel, where.teamId ?? null, where.enterpriseId ?? null, now.toISOString()],
    );
  }

  async channelWorkspace(channel: string): Promise<ChannelWorkspace | undefined> {
    const row = (await this.pool.query<ChannelRow>('SELECT * FROM slack_channel_workspaces WHERE channel = $1', [channel])).rows[0];
    if (!row) return undefined;
    const { channel: _channel, updatedAt: _at, ...where } = channelFromRow(row);
    return where;
  }

  async channels(): Promise<RememberedChannel[]> {
    return (await this.pool.query<ChannelRow>('SELECT * FROM slack_channel_workspaces ORDER BY channel')).rows.map(channelFromRow);
  }

  async restore(installation: WorkspaceInstallation): Promise<boolean> {
    const r = restoredRow(installation);
    const result = await this.pool.query(
      `INSERT INTO slack_installations (${COLUMNS}, installed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, enterprise_install = excluded.enterprise_install,
         bot_token = excluded.bot_token, bot_user_id = excluded.bot_user_id, bot_id = excluded.bot_id, installation = excluded.installation,
         installed_at = excluded.installed_at, updated_at = excluded.updated_at
       WHERE (slack_installations.team_id, slack_installations.enterprise_id, slack_installations.enterprise_install, slack_installations.bot_token,
              slack_installations.bot_user_id, slack_installations.bot_id, slack_installations.installation, slack_installations.installed_at, slack_installations.updated_at)
         IS DISTINCT FROM (excluded.team_id, excluded.enterprise_id, excluded.enterprise_install, excluded.bot_token, excluded.bot_user_id, excluded.bot_id,
                           excluded.installation, excluded.installed_at, excluded.updated_at)`,
      [r.id, r.team_id, r.enterprise_id, r.enterprise_install, r.bot_token, r.bot_user_id, r.bot_id, r.installation, r.installed_at, r.updated_at],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async restoreChannel(row: RememberedChannel): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO slack_channel_workspaces (channel, team_id, enterprise_id, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, updated_at = excluded.updated_at
       WHERE (slack_channel_workspaces.team_id, slack_channel_workspaces.enterprise_id, slack_channel_workspaces.updated_at)
         IS DISTINCT FROM (excluded.team_id, excluded.enterprise_id, excluded.updated_at)`,
      [row.channel, row.teamId ?? null, row.enterpriseId ?? null, row.updatedAt],
    );
    return (result.rowCount ?? 0) > 0;
  }
}
