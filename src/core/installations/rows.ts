/** Installation rows as both engines return them (same columns and types: SQLite migration 20, PostgreSQL 2). */
import { installationKey, type NewInstallation, type RememberedChannel, type WorkspaceInstallation } from './store';

export interface Row {
  id: string;
  team_id: string | null;
  enterprise_id: string | null;
  enterprise_install: number;
  bot_token: string;
  bot_user_id: string | null;
  bot_id: string | null;
  installation: string;
  installed_at: string;
  updated_at: string;
}

export interface ChannelRow {
  channel: string;
  team_id: string | null;
  enterprise_id: string | null;
  updated_at: string;
}

export function fromRow(r: Row): WorkspaceInstallation {
  return {
    key: r.id,
    ...(r.team_id ? { teamId: r.team_id } : {}),
    ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}),
    enterpriseInstall: r.enterprise_install === 1,
    botToken: r.bot_token,
    ...(r.bot_user_id ? { botUserId: r.bot_user_id } : {}),
    ...(r.bot_id ? { botId: r.bot_id } : {}),
    raw: JSON.parse(r.installation) as unknown,
    installedAt: r.installed_at,
    updatedAt: r.updated_at,
  };
}

export function channelFromRow(r: ChannelRow): RememberedChannel {
  return { channel: r.channel, ...(r.team_id ? { teamId: r.team_id } : {}), ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}), updatedAt: r.updated_at };
}

/** The row of an installation put back as exported: its key is derived again (an inconsistent key is refused). */
export function restoredRow(i: WorkspaceInstallation): Row {
  const columns = installationColumns(i);
  if (columns.id !== i.key) throw new Error(`installation ${i.key}: its key should be ${columns.id} (${i.enterpriseInstall ? 'the enterprise id of an org-wide install' : 'the team id'})`);
  return { ...columns, installed_at: i.installedAt, updated_at: i.updatedAt };
}

/** An installation's columns but its times, keyed as the store files it (both engines' save, and restoredRow). */
export function installationColumns(i: NewInstallation): Omit<Row, 'installed_at' | 'updated_at'> {
  return {
    id: installationKey({ teamId: i.teamId, enterpriseId: i.enterpriseId, enterpriseInstall: i.enterpriseInstall }),
    team_id: i.teamId ?? null,
    enterprise_id: i.enterpriseId ?? null,
    enterprise_install: i.enterpriseInstall ? 1 : 0,
    bot_token: i.botToken,
    bot_user_id: i.botUserId ?? null,
    bot_id: i.botId ?? null,
    installation: JSON.stringify(i.raw ?? null),
  };
}
