/**
 * Where a chat app installed in many workspaces keeps one bot token per workspace (Slack distribution mode:
 * OAuth installs), and which workspace each channel belongs to, so that alerts to a channel are posted with
 * its own workspace's token.
 *
 * Async on purpose: SQLite answers at once (sqlite.ts), a shared database (PostgreSQL) over the network; the
 * adapters (src/bots/slack/installation-store.ts) depend on this interface only.
 */

/** One installation: a workspace's, or an Enterprise org's (org-wide install: one token for all its workspaces). */
export interface WorkspaceInstallation {
  /** The enterprise id of an org-wide install, else the workspace's team id. */
  key: string;
  teamId?: string;
  enterpriseId?: string;
  /** Installed on the whole Enterprise org (Enterprise Grid), not one workspace. */
  enterpriseInstall: boolean;
  botToken: string;
  botUserId?: string;
  botId?: string;
  /** The platform library's installation object as it was stored (JSON), given back on fetch. */
  raw: unknown;
  installedAt: string;
  updatedAt: string;
}

/** Which installation: a workspace (teamId), or an org-wide one (enterpriseInstall with enterpriseId). */
export interface WorkspaceQuery {
  teamId?: string;
  enterpriseId?: string;
  enterpriseInstall: boolean;
}

/** The workspace (and org) a channel's commands came from. */
export interface ChannelWorkspace {
  teamId?: string;
  enterpriseId?: string;
}

export type NewInstallation = Omit<WorkspaceInstallation, 'key' | 'installedAt' | 'updatedAt'>;

export interface WorkspaceInstallations {
  /** Store (or replace: a reinstall, new scopes) an installation; returns it as stored. */
  save(installation: NewInstallation, now?: Date): Promise<WorkspaceInstallation>;
  /**
   * The installation answering for a query: the org's for an org-wide query; for a workspace, its own, or
   * else its org's org-wide one (a workspace of an org the app was installed on as a whole).
   */
  find(query: WorkspaceQuery): Promise<WorkspaceInstallation | undefined>;
  /** Delete the installation the query names exactly (not the org's for a workspace): true if there was one. */
  remove(query: WorkspaceQuery): Promise<boolean>;
  /** Every installation, oldest first (for status and tests). */
  list(): Promise<WorkspaceInstallation[]>;
  /** Remember the workspace a channel's command came from (alerts to it are posted with that workspace's token). */
  rememberChannel(channel: string, where: ChannelWorkspace, now?: Date): Promise<void>;
  /** The workspace a channel's commands came from; undefined if none was ever seen in distribution mode. */
  channelWorkspace(channel: string): Promise<ChannelWorkspace | undefined>;
  /** Every channel's workspace, by channel (for `sanctions export`). */
  channels(): Promise<RememberedChannel[]>;
  /**
   * Put back an installation as it was exported, its times included (`sanctions import`); the same one twice
   * changes nothing. True when something was written (new or different).
   */
  restore(installation: WorkspaceInstallation): Promise<boolean>;
  /** Put back a channel's workspace as it was exported; true when something was written. */
  restoreChannel(row: RememberedChannel): Promise<boolean>;
}

/** A channel's workspace as stored, with when it was last seen to change. */
export interface RememberedChannel extends ChannelWorkspace {
  channel: string;
  updatedAt: string;
}

export class InstallationQueryError extends Error {}

/** The row key: the enterprise id for an org-wide install, else the team id. */
export function installationKey(query: WorkspaceQuery): string {
  if (query.enterpriseInstall) {
    if (!query.enterpriseId) throw new InstallationQueryError('an org-wide (enterprise) installation needs its enterprise id');
    return query.enterpriseId;
  }
  if (!query.teamId) throw new InstallationQueryError('a workspace installation needs its team id');
  return query.teamId;
}
