/**
 * Screening a file shared in chat, platform-neutral: which shared files are screened, the options written
 * beside them (`column:"Legal name" country:Country`), the download (size-capped, time-limited, from the
 * platform's own file host only), and the answer every adapter sends: the result CSV and the summary, or one
 * line saying why nothing was screened. The adapters (src/bots/*\/screen.ts) only fetch, upload and escape.
 */
import type { DataHandle } from '../dataset';
import { hasListData, onlyDemoData } from '../coverage';
import type { ReplyFile } from '../commands/reply';
import { ScreenError } from './errors';
import { limitsText, sizeText, type ScreenLimits } from './limits';
import { resultCsv, resultFileName, summaryLines } from './output';
import { screenFileAsync, type ScreenReport } from './screen';

/** How long a download may take before it is given up (the file host is slow or hung). */
export const DOWNLOAD_TIMEOUT_MS = 30_000;

export interface ScreenAsk {
  column?: string;
  countryColumn?: string;
}

/** The file kinds screened: by extension, or by a MIME type saying CSV or XLSX. */
export function isScreenable(name: string | undefined, mime?: string | null): boolean {
  if (name && /\.(csv|tsv|txt|xlsx|xlsm)$/i.test(name)) return true;
  return Boolean(mime && /^(text\/(csv|plain|tab-separated-values)|application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet)\b/i.test(mime));
}

/**
 * Options written with the file or after `screen`: `column:Name`, `column:"Legal name"`, `country:Country`
 * (or `country-column:`); anything else is ignored, so that a comment beside the file does no harm.
 */
export function parseScreenAsk(text: string | undefined): ScreenAsk {
  const ask: ScreenAsk = {};
  const re = /\b(column|name-column|country|country-column)\s*[:=]\s*(?:"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+))/gi;
  for (const m of (text ?? '').matchAll(re)) {
    const value = (m[2] ?? m[3] ?? m[4] ?? m[5] ?? '').trim();
    if (!value) continue;
    if (/^country/i.test(m[1]!)) ask.countryColumn = value;
    else ask.column = value;
  }
  return ask;
}

/** How to screen a file, in words: the answer to `screen` with no file, and part of help. */
export function screenHelp(limits: ScreenLimits, how: { share: string; options: string }): string {
  return [
    `Screen a list of names: ${how.share}. A CSV or XLSX file, one name per row, or a column headed Name, Company, Counterparty (or name it: ${how.options}); a Country column, if there is one, chooses among candidates.`,
    `You get back a CSV with one row per name (best match, score, lists, status, since, citation, and a verdict: match, review or clear) and a summary with the lists searched and how fresh the data is. Limits: ${limitsText(limits)}.`,
  ].join('\n');
}

/** Why no screening can be answered from this data (the demo seed, or no list loaded), or undefined. */
export function noScreeningData(data: DataHandle): string | undefined {
  if (data.seed || onlyDemoData(data.db)) return 'Not screened: the bot is answering from its bundled demo seed, which is not screening data (an operator has to run a refresh first).';
  if (!hasListData(data.db)) return 'Not screened: no list data is loaded yet (every source failed or none was refreshed); ask an operator to run a refresh.';
  return undefined;
}

/**
 * Read a download whole, refusing more than `maxBytes` as it comes (a declared size can lie), within the time
 * limit. A failure is a ScreenError that says what happened, never an empty file.
 */
export async function downloadFile(url: string, init: { headers?: Record<string, string>; maxBytes: number; timeoutMs?: number; fetch?: typeof fetch }): Promise<Buffer> {
  let res: Response;
  try {
    res = await (init.fetch ?? fetch)(url, { headers: init.headers ?? {}, redirect: 'error', signal: AbortSignal.timeout(init.timeoutMs ?? DOWNLOAD_TIMEOUT_MS) });
  } catch (err) {
    const e = err as Error & { cause?: { message?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${(init.timeoutMs ?? DOWNLOAD_TIMEOUT_MS) / 1000} s` : /redirect/i.test(e.cause?.message ?? '') ? 'the file host redirected elsewhere: the app may lack permission to read files' : `${e.message}${e.cause?.message ? `: ${e.cause.message}` : ''}`;
    throw new ScreenError(`the file could not be downloaded (${why})`);
  }
  if (!res.ok) throw new ScreenError(`the file could not be downloaded (HTTP ${res.status}${res.status === 403 || res.status === 401 ? ': the app may lack permission to read files' : ''})`);
  const type = res.headers.get('content-type') ?? '';
  // Slack answers a download it refuses (a missing files:read scope) with its HTML sign-in page and 200.
  if (/^text\/html/i.test(type)) throw new ScreenError('the file could not be downloaded (the file host answered with a web page: the app may lack permission to read files)');
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > init.maxBytes) throw new ScreenError(`the file is ${sizeText(declared)}, more than the ${sizeText(init.maxBytes)} allowed (SCREEN_MAX_BYTES)`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      total += chunk.length;
      if (total > init.maxBytes) throw new ScreenError(`the file is more than the ${sizeText(init.maxBytes)} allowed (SCREEN_MAX_BYTES)`);
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}

/** Is this URL on one of these origins (the platform's file host, or the configured API's for proxies and tests)? */
export function onAllowedHost(url: string, origins: string[]): boolean {
  try {
    const u = new URL(url);
    return origins.some((o) => u.origin === new URL(o).origin);
  } catch {
    return false;
  }
}

export type ScreenAnswer =
  | { ok: true; report: ScreenReport; file: ReplyFile; summary: string[] }
  | { ok: false; reason: string };

/** Screen downloaded bytes for chat: the result file and summary, or one line of why not. */
export async function screenForChat(data: DataHandle, bytes: Buffer, options: ScreenAsk & { fileName?: string; limits: ScreenLimits }): Promise<ScreenAnswer> {
  const refused = noScreeningData(data);
  if (refused) return { ok: false, reason: refused };
  try {
    const report = await screenFileAsync(data.db, bytes, { ...options });
    const name = resultFileName(options.fileName);
    return { ok: true, report, file: { name, type: 'text/csv', title: `Screening of ${options.fileName ?? 'the names'}`, content: resultCsv(report) }, summary: summaryLines(report) };
  } catch (err) {
    if (err instanceof ScreenError) return { ok: false, reason: refusalLine(options.fileName, err.message) };
    throw err;
  }
}

/** "Could not screen names.xlsx: not a readable XLSX: ..." (one line). */
export function refusalLine(fileName: string | undefined, reason: string): string {
  return `Could not screen ${fileName ?? 'the file'}: ${reason.replace(/\s*\n\s*/g, ' ')}`;
}

/** The summary's first line with the file's name: "names.csv: 1,000 rows: 612 matches, ...". */
export function headline(fileName: string | undefined, summary: string[]): string {
  return `Screened ${fileName ?? 'the file'}: ${summary[0] ?? ''}`;
}
