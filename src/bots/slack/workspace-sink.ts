/**
 * Alert delivery to Slack in distribution mode (many workspaces): each channel's alerts are posted with the bot
 * token of the workspace the channel's commands came from (recorded when someone there used the app; an
 * Enterprise org's org-wide install answers for its workspaces). The posting itself is SlackSink's, one per token.
 *
 * A channel whose workspace has no installation any more (app_uninstalled, tokens_revoked) fails for good, with
 * a reason that says so: the delivery worker pauses its subscription and lists the message as failed
 * (core/alerts/failed.ts), instead of retrying with a dead token or dropping it unseen.
 */
import type { AlertSink, DeliveryResult } from '../../core/alerts/delivery';
import type { PaceRoute } from '../../core/alerts/pacer';
import type { Reply } from '../../core/commands/reply';
import type { WorkspaceInstallation, WorkspaceInstallations } from '../../core/installations/store';
import { missingHistoryScopes } from './preflight';
import { postRoutes, SlackSink, type SlackSinkOptions } from './sink';

/** Why a channel cannot be posted to: no workspace recorded, or none installed any more. */
export const NO_WORKSPACE = 'no_workspace';
export const NOT_INSTALLED = 'app_not_installed';

/** postRoutes' workspace-wide bucket; here one per workspace. */
const WORKSPACE_ROUTE = 'slack:chat.postMessage';

/** Senders kept per token (a workspace's); the oldest is dropped past this many. */
const MAX_SENDERS = 1000;

export class WorkspaceSlackSink implements AlertSink {
  readonly platform = 'slack';
  private readonly senders = new Map<string, SlackSink>();
  /** The installation (team or enterprise id) each channel was last posted with: its workspace's rate-limit bucket. */
  private readonly workspaceOf = new Map<string, string>();
  /** Some installation lacks the history scopes: one message in flight at a time (see SlackSink). */
  private lacksHistory = false;

  constructor(
    private readonly installations: WorkspaceInstallations,
    private readonly options: Omit<SlackSinkOptions, 'token'> = {},
  ) {}

  /**
   * The channel's one-a-second bucket, and its workspace's (Slack's limits are per workspace): once the channel's
   * workspace is known, a 429 holds that workspace only, not every workspace's channels.
   */
  routes(channel: string): PaceRoute[] {
    const workspace = this.workspaceOf.get(channel);
    const routes = postRoutes(channel, this.options.postsPerMinute);
    return workspace ? routes.map((r) => (r.key === WORKSPACE_ROUTE ? { ...r, key: `${WORKSPACE_ROUTE}:${workspace}` } : r)) : routes;
  }

  repeatSafe(): boolean {
    return !this.lacksHistory;
  }

  /** The sender for a channel's workspace, or why there is none. */
  private async senderFor(channel: string): Promise<{ sender: SlackSink; workspace: string } | { failure: DeliveryResult & { ok: false } }> {
    const where = await this.installations.channelWorkspace(channel);
    if (!where) {
      // A channel subscribed before distribution mode (one workspace then): with one installation, it is that one's.
      const all = await this.installations.list();
      if (all.length === 1) return { sender: this.senderOf(all[0]!), workspace: all[0]!.key };
      return { failure: { ok: false, permanent: true, reason: `${NO_WORKSPACE}: no Slack workspace is known for channel ${channel} (subscribed before distribution mode, and several workspaces are installed); subscribe again from the channel` } };
    }
    const installation = await this.installations.find(where.teamId ? { teamId: where.teamId, enterpriseId: where.enterpriseId, enterpriseInstall: false } : { enterpriseId: where.enterpriseId, enterpriseInstall: true });
    if (!installation) {
      const place = where.teamId ? `workspace ${where.teamId}` : `Enterprise org ${where.enterpriseId}`;
      return { failure: { ok: false, permanent: true, reason: `${NOT_INSTALLED}: the app is no longer installed in ${place} (uninstalled, or its token revoked); reinstall it (/slack/install), then subscribe again` } };
    }
    return { sender: this.senderOf(installation), workspace: installation.key };
  }

  private senderOf(installation: WorkspaceInstallation): SlackSink {
    let sender = this.senders.get(installation.botToken);
    if (!sender) {
      sender = SlackSink.create({ ...this.options, token: installation.botToken });
      const scopes = (installation.raw as { bot?: { scopes?: unknown } } | null)?.bot?.scopes;
      const missing = Array.isArray(scopes) ? missingHistoryScopes(scopes.map(String)) : undefined;
      sender.historyReadable = missing ? missing.length === 0 : undefined;
      if (missing?.length) this.lacksHistory = true;
      this.senders.set(installation.botToken, sender);
      if (this.senders.size > MAX_SENDERS) this.senders.delete(this.senders.keys().next().value!);
    }
    return sender;
  }

  async deliver(channel: string, reply: Reply, key?: string): Promise<DeliveryResult> {
    const found = await this.senderFor(channel);
    if ('failure' in found) return found.failure;
    this.workspaceOf.set(channel, found.workspace);
    if (this.workspaceOf.size > 100_000) this.workspaceOf.delete(this.workspaceOf.keys().next().value!);
    const result = await found.sender.deliver(channel, reply, key);
    // A 429 is the workspace's: only its channels wait (the worker blocks this bucket instead of all of Slack).
    if (!result.ok && result.retryAfterMs !== undefined && !result.limitedRoute) return { ...result, limitedRoute: `${WORKSPACE_ROUTE}:${found.workspace}` };
    return result;
  }

  async confirm(channel: string, key: string): Promise<boolean | undefined> {
    const found = await this.senderFor(channel);
    if ('failure' in found) return undefined;
    return found.sender.confirm(channel, key);
  }
}
