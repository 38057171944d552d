/**
 * Before logging in to the gateway: does Discord accept the bot token (GET /users/@me)? A rejected token is one
 * line and exit 2; an unreachable API is tried a few times, a line each (core/ops/startup.ts). discord.js's own
 * login would throw TokenInvalid or retry a refused connection without a word.
 */
import { DiscordAPIError, HTTPError, REST, Routes } from 'discord.js';
import { reachPlatform, type Classified } from '../../core/ops/startup';

export interface DiscordPreflightOptions {
  token: string;
  apiUrl?: string;
  budgetMs?: number;
  say: (line: string) => void;
}

export async function checkDiscordToken(options: DiscordPreflightOptions): Promise<{ id?: string; username?: string }> {
  const url = options.apiUrl ?? 'https://discord.com/api';
  const rest = new REST({ api: url, retries: 0, timeout: 5000 }).setToken(options.token);
  try {
    return (await reachPlatform({
      platform: 'Discord',
      url,
      attempt: () => rest.get(Routes.user('@me')),
      classify,
      rejectedLine: (reason) => `Discord: the bot token was rejected (${reason}): check DISCORD_TOKEN`,
      check: 'DISCORD_API_URL',
      ...(options.budgetMs !== undefined ? { budgetMs: options.budgetMs } : {}),
      say: options.say,
    })) as { id?: string; username?: string };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

function classify(err: unknown): Classified {
  if (err instanceof DiscordAPIError) {
    const said = err.message.startsWith(String(err.status)) ? err.message : `${err.status} ${err.message}`;
    if (err.status === 401 || err.status === 403) return { rejected: said };
    return { unreachable: `HTTP ${err.status} ${err.message}` };
  }
  if (err instanceof HTTPError) return { unreachable: `HTTP ${err.status}` };
  const e = err as Error & { code?: string; cause?: { code?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return { unreachable: 'no answer within 5 s' };
  return { unreachable: e?.cause?.code ?? e?.code ?? e?.message ?? String(err) };
}
