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
