/**
 * `sanctions import`: read a file of `sanctions export` (format.ts) whole, checking every line first (nothing is
 * written when a line is wrong: the error names it), then put each record back into the configured store. Each
 * write is idempotent (by natural keys: platform and channel, term, installation key, channel; an audit entry is
 * added unless an identical one is there), so importing a file twice, or again after an interrupted import, leaves
 * one copy of everything.
 */
import type { SharedStore } from '../shared/types';
import { parseHeader, parseLine, TransferFormatError, type Header, type Line } from './format';
import { zeroCounts, type TransferCounts } from './export';

export interface TransferFile {
  header: Header;
  lines: Line[];
}

/** Parse and check every line (blank lines are skipped); the first wrong one is refused with its number. */
export async function readTransferFile(input: AsyncIterable<string>): Promise<TransferFile> {
  let header: Header | undefined;
  const lines: Line[] = [];
  let n = 0;
  for await (const raw of input) {
    n++;
    if (!raw.trim()) continue;
    if (!header) {
      if (n !== 1) throw new TransferFormatError(`line ${n}: the header must be the first line`);
      header = parseHeader(raw);
      continue;
    }
    lines.push(parseLine(raw, n));
  }
  if (!header) throw new TransferFormatError('the file is empty: a file of `sanctions export` starts with its header');
  return { header, lines };
}

export interface ImportReport {
  /** Records in the file, by type. */
  read: TransferCounts;
  /** Records written (new, or different from what was there), by type; the rest were there already. */
  written: TransferCounts;
}

export async function importUserData(store: SharedStore, file: TransferFile): Promise<ImportReport> {
  const read = zeroCounts();
  const written = zeroCounts();
  // Subscriptions before their watch terms; otherwise the file's order (audit entries oldest first).
  const ordered = [...file.lines].sort((a, b) => rank(a) - rank(b));
  // Identical audit entries are real (a batch that screens one name twice in a millisecond): the n-th copy in the
  // file is written when the target holds fewer than n, so importing twice still writes nothing twice.
  const copies = new Map<string, number>();
  for (const line of ordered) {
    read[line.type]++;
    let occurrence = 1;
    if (line.type === 'audit') {
      const key = JSON.stringify(line);
      occurrence = (copies.get(key) ?? 0) + 1;
      copies.set(key, occurrence);
    }
    if (await restore(store, line, occurrence)) written[line.type]++;
  }
  return { read, written };
}

const rank = (line: Line) => (line.type === 'subscription' ? 0 : 1);

async function restore(store: SharedStore, line: Line, occurrence: number): Promise<boolean> {
  switch (line.type) {
    case 'subscription': {
      const { type: _type, ...record } = line;
      return store.transfer.restoreSubscription(record);
    }
    case 'watch_term': {
      const { type: _type, ...record } = line;
      return store.transfer.restoreWatchTerm(record);
    }
    case 'audit': {
      const { type: _type, ...record } = line;
      return store.transfer.restoreAudit(record, occurrence);
    }
    case 'slack_installation': {
      const { type: _type, ...record } = line;
      return store.installations.restore(record);
    }
    case 'slack_channel_workspace': {
      const { type: _type, ...record } = line;
      return store.installations.restoreChannel(record);
    }
  }
}
