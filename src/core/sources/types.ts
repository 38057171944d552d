/**
 * What every format module implements: fetched documents in, validated `SourceRecord`s out.
 */
import type { SourceRecord } from '../model';
import type { SourceConfig } from './config';

/** One fetched document: a file, one file of a folder, or an http(s) response body. */
export interface FetchedDocument {
  /** File name (relative to the folder for folder locations) or the URL. */
  name: string;
  body: Buffer;
  contentType?: string;
  /** What the index that linked a discovered document said of it (FR: citation, dates, html_url). */
  meta?: Record<string, unknown>;
}

export interface ParseInput {
  source: SourceConfig;
  /** The main location: one document, or every file of a folder in name order. */
  documents: FetchedDocument[];
  /** Companion documents named by the config (ofac-csv: aliases, addresses, comments). */
  extras: Partial<Record<'aliases' | 'addresses' | 'comments', FetchedDocument>>;
}

export type Parser = (input: ParseInput) => SourceRecord[];

/** A snapshot that cannot be read: the message says what and where (file, row, field). */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

/**
 * What a parser read and could not use (a notice that names no target, a suspension of a notice it does not
 * have), to be reported with the source's refresh rather than dropped silently. Attached to the array of
 * records a parser returns, so that the `Parser` signature stays as it is.
 */
const parseWarningsOf = new WeakMap<object, string[]>();

export function withParseWarnings<T extends object>(records: T, warnings: readonly string[]): T {
  if (warnings.length) parseWarningsOf.set(records, [...warnings]);
  return records;
}

/** The warnings a parser attached to its records ([] when none). */
export function parseWarnings(records: object): string[] {
  return parseWarningsOf.get(records) ?? [];
}
