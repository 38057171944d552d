/**
 * Fetching a source's locations: http(s) URLs with conditional GET, a timeout over headers and body and a
 * streaming size limit; local files and folders with a content hash, so an unchanged snapshot costs no parsing.
 * Every error is one line saying what and where ("fetch https://host/sdn.csv: timed out after 500 ms").
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceConfig } from './config';
import { isUrl } from './config';
import type { FetchedDocument, ParseInput } from './types';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
export const DEFAULT_USER_AGENT = 'sanctions-bot/0.1 (+https://github.com/)';

/** What tells the next fetch whether anything changed. Plain JSON: store it as-is and pass it back. */
export interface Validators {
  /** http(s): the response ETag, sent back as If-None-Match. */
  etag?: string;
  /** http(s): the response Last-Modified, sent back as If-Modified-Since. */
  lastModified?: string;
  /** sha256 (hex) of the content; equal content is reported as not-modified for every kind of location. */
  contentHash?: string;
}

export type FetchResult =
  /** 304, or the same content hash as `previous.contentHash`. */
  | { status: 'not-modified'; validators: Validators }
  | { status: 'ok'; documents: FetchedDocument[]; validators: Validators; contentHash: string; bytes: number };

export interface FetchOptions {
  previous?: Validators;
  /** http(s) only: covers connecting, headers and the whole body. Default 60 s. */
  timeoutMs?: number;
  /** Largest body (or sum of a folder's files) accepted. Default 200 MiB. */
  maxBytes?: number;
  userAgent?: string;
  /** Cancels the fetch; the signal's reason is thrown as it is (not wrapped in a FetchError). */
  signal?: AbortSignal;
}

export type FetchErrorKind = 'timeout' | 'too-large' | 'http' | 'network' | 'not-found' | 'io';

export class FetchError extends Error {
  constructor(
    message: string,
    readonly kind: FetchErrorKind,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

/** Fetch one location: an http(s) URL, a file or a folder (every regular file below it, dotfiles skipped). */
export async function fetchLocation(location: string, options: FetchOptions = {}): Promise<FetchResult> {
  options.signal?.throwIfAborted();
  return isUrl(location) ? fetchUrl(location, options) : fetchPath(location, options);
}

// ---------------------------------------------------------------------------------------------- http(s)

/** The URL without user:password, for messages. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function pickValidators(v: Validators): Validators {
  const out: Validators = {};
  if (v.etag) out.etag = v.etag;
  if (v.lastModified) out.lastModified = v.lastModified;
  if (v.contentHash) out.contentHash = v.contentHash;
  return out;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici reports "fetch failed" / "terminated" and puts the reason in `cause`.
  const cause = (err as Error & { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return cause.message;
  return err.message;
}

async function fetchUrl(url: string, options: FetchOptions): Promise<FetchResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const where = `fetch ${displayUrl(url)}`;
  const previous = options.previous ?? {};

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const headers: Record<string, string> = { 'user-agent': options.userAgent ?? DEFAULT_USER_AGENT };
  if (previous.etag) headers['if-none-match'] = previous.etag;
  if (previous.lastModified) headers['if-modified-since'] = previous.lastModified;

  try {
    const res = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
    const fresh = pickValidators({
      etag: res.headers.get('etag') ?? undefined,
      lastModified: res.headers.get('last-modified') ?? undefined,
    });

    if (res.status === 304) {
      await res.body?.cancel().catch(() => undefined);
      return { status: 'not-modified', validators: { ...pickValidators(previous), ...fresh } };
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      const redirected = res.redirected && res.url && res.url !== url ? ` (redirected to ${displayUrl(res.url)})` : '';
      const text = `${where}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${redirected}`;
      throw new FetchError(text, res.status === 404 || res.status === 410 ? 'not-found' : 'http');
    }

    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      controller.abort();
      throw new FetchError(`${where}: response of ${declared} bytes is larger than the limit of ${maxBytes} bytes`, 'too-large');
    }

    const body = await readLimited(
      res,
      maxBytes,
      () => {
        controller.abort();
        return new FetchError(`${where}: response is larger than the limit of ${maxBytes} bytes`, 'too-large');
      },
      Number.isFinite(declared) ? declared : undefined,
    );
    const contentHash = sha256(body);
    const validators = { ...fresh, contentHash };
    if (previous.contentHash === contentHash) return { status: 'not-modified', validators };

    const doc: FetchedDocument = { name: url, body };
    const contentType = res.headers.get('content-type');
    if (contentType) doc.contentType = contentType;
    return { status: 'ok', documents: [doc], validators, contentHash, bytes: body.length };
  } catch (err) {
    if (err instanceof FetchError) throw err;
    if (timedOut) throw new FetchError(`${where}: timed out after ${timeoutMs} ms`, 'timeout');
    if (options.signal?.aborted) throw options.signal.reason;
    throw new FetchError(`${where}: ${errorText(err)}`, 'network');
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Read the body, giving up (and dropping the connection) as soon as it passes maxBytes. With a Content-Length
 * the body is copied into one buffer of that size as it arrives, so a 110 MB file is not held twice (the
 * chunks, then their concatenation); a body longer than announced falls back to collecting chunks.
 */
async function readLimited(res: Response, maxBytes: number, tooLarge: () => FetchError, declared?: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  let whole = declared !== undefined && declared > 0 && declared <= maxBytes ? Buffer.allocUnsafe(declared) : undefined;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > maxBytes) {
      const error = tooLarge();
      reader.cancel().catch(() => undefined);
      throw error;
    }
    if (whole && total + value.byteLength <= whole.length) whole.set(value, total);
    else {
      if (whole) chunks.push(whole.subarray(0, total));
      whole = undefined;
      chunks.push(value);
    }
    total += value.byteLength;
  }
  if (whole) return total === whole.length ? whole : whole.subarray(0, total);
  return Buffer.concat(chunks, total);
}

// ---------------------------------------------------------------------------------------- files, folders

function ioError(path: string, err: unknown): FetchError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FetchError(`fetch ${path}: no such file or folder`, 'not-found');
  return new FetchError(`fetch ${path}: ${code ?? (err as Error).message}`, 'io');
}

function tooLargeError(path: string, size: number, maxBytes: number): FetchError {
  return new FetchError(`fetch ${path}: ${size} bytes is larger than the limit of ${maxBytes} bytes`, 'too-large');
}

async function fetchPath(path: string, options: FetchOptions): Promise<FetchResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw ioError(path, err);
  }

  let documents: FetchedDocument[];
  let contentHash: string;
  if (info.isFile()) {
    if (info.size > maxBytes) throw tooLargeError(path, info.size, maxBytes);
    const body = await readFile(path).catch((err: unknown) => {
      throw ioError(path, err);
    });
    if (body.length > maxBytes) throw tooLargeError(path, body.length, maxBytes);
    documents = [{ name: path, body }];
    contentHash = sha256(body);
  } else if (info.isDirectory()) {
    const files = await listFolder(path);
    let total = 0;
    for (const file of files) {
      total += file.size;
      if (total > maxBytes) throw tooLargeError(path, total, maxBytes);
    }
    documents = [];
    const hash = createHash('sha256');
    for (const file of files) {
      options.signal?.throwIfAborted();
      const body = await readFile(file.path).catch((err: unknown) => {
        throw ioError(file.path, err);
      });
      documents.push({ name: file.name, body });
      // Length-prefixed, so no two different folders hash alike.
      hash.update(`${file.name.length}:${file.name}\n${body.length}:`).update(body).update('\n');
    }
    contentHash = hash.digest('hex');
  } else {
    throw new FetchError(`fetch ${path}: not a regular file or folder`, 'io');
  }

  const validators: Validators = { contentHash };
  if (options.previous?.contentHash === contentHash) return { status: 'not-modified', validators };
  const bytes = documents.reduce((n, d) => n + d.body.length, 0);
  if (bytes > maxBytes) throw tooLargeError(path, bytes, maxBytes);
  return { status: 'ok', documents, validators, contentHash, bytes };
}

interface FolderFile {
  /** Relative to the folder, with forward slashes. */
  name: string;
  path: string;
  size: number;
}

/** Every regular file below dir (symlinked files included, symlinked folders not), sorted by relative name. */
async function listFolder(dir: string): Promise<FolderFile[]> {
  const out: FolderFile[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (err) {
      throw ioError(abs, err);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(abs, entry.name);
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await walk(path, name);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        let info;
        try {
          info = await stat(path);
        } catch (err) {
          if (entry.isSymbolicLink()) continue; // a dangling link is not a file
          throw ioError(path, err);
        }
        if (info.isFile()) out.push({ name, path, size: info.size });
      }
    }
  };
  await walk(dir, '');
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ------------------------------------------------------------------------------------------ whole source

export const COMPANIONS = ['aliases', 'addresses', 'comments'] as const;
export type Companion = (typeof COMPANIONS)[number];
export type SourcePart = 'main' | Companion;

/**
 * A source's validators. Without companions: exactly the main location's `Validators`. With companions:
 * etag/lastModified are the main location's, contentHash is the combined hash of all parts, and `parts`
 * keeps each part's own validators so every part can be asked conditionally next time. Store it as JSON.
 */
export interface SourceValidators extends Validators {
  parts?: Partial<Record<SourcePart, Validators>>;
}

export type SourceFetchResult =
  | { status: 'not-modified'; validators: SourceValidators }
  | {
      status: 'ok';
      /** The main location's documents. */
      documents: FetchedDocument[];
      extras: ParseInput['extras'];
      validators: SourceValidators;
      /** Identifies the snapshot: the main location's hash, or the combined hash of all parts. */
      contentHash: string;
      bytes: number;
    };

export type SourceFetchOptions = Pick<FetchOptions, 'userAgent' | 'signal' | 'timeoutMs' | 'maxBytes'>;

function combinedHash(hashes: [SourcePart, string][]): string {
  return createHash('sha256')
    .update(hashes.map(([part, hash]) => `${part}:${hash}`).join('\n'))
    .digest('hex');
}

/**
 * Fetch a source's main location and its companions (aliases, addresses, comments). Not-modified only when
 * every part is unchanged; otherwise every part's documents (unchanged parts are fetched again in full).
 * timeout_ms and max_bytes from the config apply to each part; `options` overrides them.
 */
export async function fetchSource(source: SourceConfig, previous?: SourceValidators, options: SourceFetchOptions = {}): Promise<SourceFetchResult> {
  const base: FetchOptions = { timeoutMs: source.timeout_ms, maxBytes: source.max_bytes, ...options };
  const companions = COMPANIONS.flatMap((c) => (source[c] ? [[c, source[c]] as [Companion, string]] : []));

  if (companions.length === 0) {
    const result = await fetchLocation(source.location, { ...base, previous: previous && pickValidators(previous) });
    if (result.status === 'not-modified') return result;
    return { ...result, extras: {} };
  }

  const parts: [SourcePart, string][] = [['main', source.location], ...companions];
  // Sequentially: at most four requests, and gentle on the publisher.
  const results: FetchResult[] = [];
  for (const [part, location] of parts) results.push(await fetchLocation(location, { ...base, previous: previous?.parts?.[part] }));

  const partValidators = (): Partial<Record<SourcePart, Validators>> =>
    Object.fromEntries(parts.map(([part], i) => [part, results[i]!.validators]));

  if (results.every((r) => r.status === 'not-modified') && previous?.contentHash) {
    const main = results[0]!.validators;
    return { status: 'not-modified', validators: { ...pickValidators({ ...main, contentHash: previous.contentHash }), parts: partValidators() } };
  }

  for (let i = 0; i < parts.length; i++) {
    if (results[i]!.status === 'not-modified') results[i] = await fetchLocation(parts[i]![1], base);
  }
  const ok = results as Extract<FetchResult, { status: 'ok' }>[];
  const contentHash = combinedHash(parts.map(([part], i) => [part, ok[i]!.contentHash]));
  const main = ok[0]!;
  const validators: SourceValidators = { ...pickValidators({ ...main.validators, contentHash }), parts: partValidators() };
  if (previous?.contentHash === contentHash) return { status: 'not-modified', validators };

  const extras: ParseInput['extras'] = {};
  companions.forEach(([companion, location], i) => {
    const r = ok[i + 1]!;
    if (r.documents.length !== 1) {
      throw new FetchError(`fetch ${location}: the ${companion} companion must be one file, found ${r.documents.length}`, 'io');
    }
    extras[companion] = r.documents[0]!;
  });
  return {
    status: 'ok',
    documents: main.documents,
    extras,
    validators,
    contentHash,
    bytes: ok.reduce((n, r) => n + r.bytes, 0),
  };
}
