/**
 * Bolt's InstallationStore over the core's installation records (src/core/installations): what the OAuth
 * installer stores after "Add to Slack", and what Bolt's authorize fetches for every request, so that each
 * workspace is answered with its own bot token.
 *
 * Keyed as Bolt documents for Enterprise Grid: an org-wide install (isEnterpriseInstall) by its enterprise id,
 * any other by its team id. A workspace of an org installed as a whole is answered with the org's installation.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { BaseLogger } from 'pino';
import { z } from 'zod';
import type { WorkspaceInstallations, WorkspaceQuery } from '../../core/installations/store';

/** What of Bolt's Installation this app needs (the rest is kept as received). */
const StoredInstallation = z.object({
  team: z.object({ id: z.string().regex(/^T[A-Z0-9]+$/, 'a team id such as T0123ABCD') }).nullish(),
  enterprise: z.object({ id: z.string().regex(/^E[A-Z0-9]+$/, 'an enterprise id such as E0123ABCD') }).nullish(),
  isEnterpriseInstall: z.boolean().optional(),
  bot: z.object(
    {
      token: z.string().regex(/^xoxb-/, 'a bot token (xoxb-...)'),
      userId: z.string().min(1),
      id: z.string().optional(),
    },
    { message: 'no bot token: the app must be installed with its bot scopes (slack/manifest.yml)' },
  ),
});

export class InstallationRefused extends Error {}

/** A Bolt installation -> what the store keeps; throws InstallationRefused naming what is wrong. */
export function toRecord(installation: Installation) {
  const parsed = StoredInstallation.safeParse(installation);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InstallationRefused(`Slack installation refused: ${issue.path.join('.') || 'installation'}: ${issue.message}`);
  }
  const i = parsed.data;
  const enterpriseInstall = i.isEnterpriseInstall === true;
  if (enterpriseInstall && !i.enterprise?.id) throw new InstallationRefused('Slack installation refused: enterprise.id: an org-wide install must name its enterprise');
  if (!enterpriseInstall && !i.team?.id) throw new InstallationRefused('Slack installation refused: team.id: a workspace install must name its team');
  return {
    ...(i.team?.id ? { teamId: i.team.id } : {}),
    ...(i.enterprise?.id ? { enterpriseId: i.enterprise.id } : {}),
    enterpriseInstall,
    botToken: i.bot.token,
    botUserId: i.bot.userId,
    ...(i.bot.id ? { botId: i.bot.id } : {}),
    raw: installation,
  };
}

/** Bolt's query -> the core's. */
export function toQuery(query: InstallationQuery<boolean>): WorkspaceQuery {
  return {
    ...(query.teamId ? { teamId: query.teamId } : {}),
    ...(query.enterpriseId ? { enterpriseId: query.enterpriseId } : {}),
    enterpriseInstall: query.isEnterpriseInstall === true,
  };
}

/** Where an installation is, for the logs (never its token). */
export function describeWorkspace(q: { teamId?: string; enterpriseId?: string; enterpriseInstall: boolean }): string {
  return q.enterpriseInstall ? `Enterprise org ${q.enterpriseId ?? '?'} (org-wide)` : `workspace ${q.teamId ?? '?'}${q.enterpriseId ? ` of org ${q.enterpriseId}` : ''}`;
}

export function boltInstallationStore(records: WorkspaceInstallations, log: BaseLogger): InstallationStore {
  return {
    async storeInstallation(installation) {
      const record = toRecord(installation as Installation);
      await records.save(record);
      log.info({ team: record.teamId, enterprise: record.enterpriseId, enterpriseInstall: record.enterpriseInstall, botUser: record.botUserId }, `slack: installed in ${describeWorkspace(record)}`);
    },
    async fetchInstallation(query) {
      const found = await records.find(toQuery(query));
      if (!found) throw new Error(`no installation for ${describeWorkspace(toQuery(query))} (not installed, or uninstalled)`);
      // The stored object, with the token of the row (the one source of truth for it).
      const raw = found.raw as Installation;
      return { ...raw, bot: { ...raw.bot!, token: found.botToken } };
    },
    async deleteInstallation(query) {
      const removed = await records.remove(toQuery(query));
      log.info({ team: query.teamId, enterprise: query.enterpriseId, removed }, `slack: installation of ${describeWorkspace(toQuery(query))} ${removed ? 'deleted' : 'was already gone'}`);
    },
  };
}
