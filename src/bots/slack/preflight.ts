/**
 * Before serving: is the bot token accepted (auth.test), and may it read channel history (the x-oauth-scopes
 * header of the answer lists the token's scopes)? A rejected token is one line and exit 2; an unreachable Web API
 * is tried a few times, a line each (core/ops/startup.ts).
 */
import { webApi } from '@slack/bolt';
import { reachPlatform, type Classified } from '../../core/ops/startup';

/** What `confirm` needs to read back a channel's recent messages: public, private, DM, group DM. */
export const HISTORY_SCOPES = ['channels:history', 'groups:history', 'im:history', 'mpim:history'] as const;

/** Codes that mean the token itself is refused. */
const REJECTED = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type', 'invalid_token']);

export interface SlackIdentity {
  userId?: string;
  botId?: string;
  team?: string;
  /** The token's scopes, when the answer said (x-oauth-scopes). */
  scopes?: string[];
}

export interface PreflightOptions {
  token: string;
  apiUrl?: string;
  budgetMs?: number;
  say: (line: string) => void;
}

export async function checkSlackToken(options: PreflightOptions): Promise<SlackIdentity> {
  const url = options.apiUrl ?? 'https://slack.com/api/';
  const client = new webApi.WebClient(options.token, {
    slackApiUrl: url,
    retryConfig: { retries: 0 },
    timeout: 5000,
    logLevel: webApi.LogLevel.ERROR,
    logger: silent,
  });
  const auth = await reachPlatform({
    platform: 'Slack',
    url,
    attempt: () => client.auth.test(),
    classify,
    rejectedLine: (code) => `Slack: the bot token was rejected (${code}): check SLACK_BOT_TOKEN`,
    check: 'SLACK_API_URL',
    ...(options.budgetMs !== undefined ? { budgetMs: options.budgetMs } : {}),
    say: options.say,
  });
  return { userId: auth.user_id, botId: auth.bot_id, team: auth.team, scopes: auth.response_metadata?.scopes };
}

/** The history scopes this token lacks ([] when it has them all; undefined when Slack did not say). */
export function missingHistoryScopes(scopes: string[] | undefined): string[] | undefined {
  if (!scopes) return undefined;
  return HISTORY_SCOPES.filter((s) => !scopes.includes(s));
}

function classify(err: unknown): Classified {
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; original?: Error & { cause?: { code?: string }; code?: string } };
  if (e.code === webApi.ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    return REJECTED.has(code) ? { rejected: code } : { unreachable: `auth.test answered ${code}` };
  }
  if (e.code === webApi.ErrorCode.HTTPError) return { unreachable: `HTTP ${e.statusCode ?? '?'}` };
  if (e.code === webApi.ErrorCode.RequestError) {
    const o = e.original;
    if (o?.name === 'TimeoutError' || o?.name === 'AbortError' || /timeout/i.test(o?.message ?? '')) return { unreachable: 'no answer within 5 s' };
    return { unreachable: o?.cause?.code ?? o?.code ?? o?.message ?? 'request failed' };
  }
  return { unreachable: (err as Error)?.message ?? String(err) };
}

const silent: webApi.Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => webApi.LogLevel.ERROR,
  setName: () => {},
};
