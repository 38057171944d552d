/**
 * Slack distribution mode: the app installed in any number of workspaces (or Enterprise orgs, org-wide) through
 * OAuth, each answered with its own bot token.
 *
 *   GET /slack/install          the "Add to Slack" page (Bolt's installer), the state signed with SLACK_STATE_SECRET
 *   GET /slack/oauth_redirect   Slack's redirect after consent: oauth.v2.access, then the installation is stored
 *   app_uninstalled             the workspace's (or org's) installation is deleted
 *   tokens_revoked (bot)        the same: the stored token no longer works
 *
 * Every request from a workspace records the workspace of its channel, so that alerts to the channel are posted
 * with that workspace's token (workspace-sink.ts).
 */
import type { App, HTTPReceiverOptions, webApi } from '@slack/bolt';
import type { BaseLogger } from 'pino';
import type { ChannelWorkspace, WorkspaceInstallations } from '../../core/installations/store';
import { boltInstallationStore, describeWorkspace } from './installation-store';
import { BOT_SCOPES } from './scopes';

export interface SlackDistribution {
  /** SLACK_CLIENT_ID, SLACK_CLIENT_SECRET (Basic Information), SLACK_STATE_SECRET (signs the OAuth state). */
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** SLACK_REDIRECT_URI: only when the app lists several redirect URLs. */
  redirectUri?: string;
}

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

/** The OAuth half of Bolt's HTTP receiver: the installer, its paths and the installation store. */
export function distributionReceiverOptions(
  d: SlackDistribution & { installations: WorkspaceInstallations },
  clientOptions: webApi.WebClientOptions,
  log: BaseLogger,
): Partial<HTTPReceiverOptions> {
  // Slack's consent page beside its Web API (slack.com, or GovSlack's slack-gov.com).
  const authorizationUrl = new URL('/oauth/v2/authorize', clientOptions.slackApiUrl ?? 'https://slack.com/api/').toString();
  return {
    clientId: d.clientId,
    clientSecret: d.clientSecret,
    stateSecret: d.stateSecret,
    scopes: [...BOT_SCOPES],
    ...(d.redirectUri ? { redirectUri: d.redirectUri } : {}),
    installationStore: boltInstallationStore(d.installations, log),
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: REDIRECT_PATH,
      // The "Add to Slack" page (a button), not a redirect straight to Slack.
      directInstall: false,
      authorizationUrl,
      clientOptions,
    },
  };
}

/** The channel a request is about, where Slack says: commands, buttons and shortcuts, events. */
export function channelOf(body: unknown): string | undefined {
  const b = body as { channel_id?: unknown; channel?: { id?: unknown }; container?: { channel_id?: unknown }; event?: { channel?: unknown } } | undefined;
  const found = b?.channel_id ?? b?.channel?.id ?? b?.container?.channel_id ?? b?.event?.channel;
  return typeof found === 'string' && /^[CDG][A-Z0-9]+$/.test(found) ? found : undefined;
}

/** Remember each channel's workspace, and delete installations on uninstall and token revocation. */
export function registerDistribution(app: App, installations: WorkspaceInstallations, log: BaseLogger): void {
  const known = new Map<string, string>();

  app.use(async ({ body, context, next }) => {
    const channel = channelOf(body);
    const where: ChannelWorkspace = { ...(context.teamId ? { teamId: context.teamId } : {}), ...(context.enterpriseId ? { enterpriseId: context.enterpriseId } : {}) };
    const key = `${where.teamId ?? ''}|${where.enterpriseId ?? ''}`;
    if (channel && key !== '|' && known.get(channel) !== key) {
      try {
        await installations.rememberChannel(channel, where);
        known.set(channel, key);
        if (known.size > 10_000) known.delete(known.keys().next().value!);
      } catch (err) {
        log.error({ err: (err as Error).message, channel }, 'slack: could not record the workspace of a channel (its alerts may not be deliverable)');
      }
    }
    await next();
  });

  app.event('app_uninstalled', async ({ context }) => {
    const query = { ...(context.teamId ? { teamId: context.teamId } : {}), ...(context.enterpriseId ? { enterpriseId: context.enterpriseId } : {}), enterpriseInstall: context.isEnterpriseInstall === true };
    try {
      const removed = await installations.remove(query);
      log.warn({ team: query.teamId, enterprise: query.enterpriseId, removed }, `slack: app uninstalled from ${describeWorkspace(query)}: ${removed ? 'its installation is deleted' : 'no installation was stored'}`);
    } catch (err) {
      log.error({ err: (err as Error).message, team: query.teamId, enterprise: query.enterpriseId }, 'slack: app_uninstalled: could not delete the installation');
    }
  });

  app.event('tokens_revoked', async ({ event, context }) => {
    const bots = event.tokens.bot ?? [];
    const query = { ...(context.teamId ? { teamId: context.teamId } : {}), ...(context.enterpriseId ? { enterpriseId: context.enterpriseId } : {}), enterpriseInstall: context.isEnterpriseInstall === true };
    if (!bots.length) {
      log.info({ team: query.teamId, users: event.tokens.oauth?.length ?? 0 }, 'slack: user tokens revoked (none are stored): nothing to do');
      return;
    }
    try {
      const found = await installations.find(query);
      // The bot named is the one stored (not a newer install's): delete it.
      if (found && (!found.botUserId || bots.includes(found.botUserId))) {
        await installations.remove({ teamId: found.teamId, enterpriseId: found.enterpriseId, enterpriseInstall: found.enterpriseInstall });
        log.warn({ team: found.teamId, enterprise: found.enterpriseId, bots }, `slack: bot token revoked in ${describeWorkspace(found)}: its installation is deleted`);
      } else {
        log.info({ team: query.teamId, enterprise: query.enterpriseId, bots }, `slack: bot token revoked in ${describeWorkspace(query)}: no installation of that bot is stored`);
      }
    } catch (err) {
      log.error({ err: (err as Error).message, team: query.teamId }, 'slack: tokens_revoked: could not delete the installation');
    }
  });
}
