/**
 * Reaching a platform at start-up: a bounded number of tries with a line per retry, then one clear failure line.
 * A platform that rejects the credentials fails at once (retrying cannot fix a token); one that cannot be reached
 * (connection refused, DNS, timeout, 5xx) is tried again with doubling delays until the budget (STARTUP_RETRY_SECONDS,
 * 30 s by default) is spent. No platform code here: the adapters classify their own errors.
 */

/** Thrown with the one line to print; start-up then exits with status 2. */
export class StartupError extends Error {}

export type Classified = { rejected: string } | { unreachable: string };

/** The delays (ms) between tries: 2 s, 4 s, 8 s... until `budgetMs` is spent (the last one shortened to fit). */
export function retryDelays(budgetMs: number, firstMs = 2000): number[] {
  const delays: number[] = [];
  let spent = 0;
  for (let d = firstMs; spent < budgetMs; d *= 2) {
    const next = Math.min(d, budgetMs - spent);
    delays.push(next);
    spent += next;
  }
  return delays;
}

export interface ReachOptions<T> {
  /** "Slack", "Discord". */
  platform: string;
  /** Where it is tried (the API URL), for the lines. */
  url: string;
  /** One try. */
  attempt: () => Promise<T>;
  /** What a failed try means. */
  classify: (err: unknown) => Classified;
  /** The line for rejected credentials (thrown as a StartupError). */
  rejectedLine: (reason: string) => string;
  /** The variables to check when the platform cannot be reached. */
  check: string;
  budgetMs?: number;
  say: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export async function reachPlatform<T>(options: ReachOptions<T>): Promise<T> {
  const delays = retryDelays(options.budgetMs ?? 30_000);
  const total = delays.length + 1;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let i = 0; ; i++) {
    try {
      return await options.attempt();
    } catch (err) {
      const what = options.classify(err);
      if ('rejected' in what) throw new StartupError(options.rejectedLine(what.rejected), { cause: err });
      if (i >= delays.length) {
        throw new StartupError(`${options.platform}: cannot reach ${options.url}: ${what.unreachable}; gave up after ${total} attempts in ${seconds(delays.reduce((a, b) => a + b, 0))}: check ${options.check} and the network`, { cause: err });
      }
      options.say(`${options.platform}: cannot reach ${options.url}: ${what.unreachable}; retrying in ${seconds(delays[i]!)} (attempt ${i + 2} of ${total})`);
      await sleep(delays[i]!);
    }
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
