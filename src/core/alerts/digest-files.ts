/**
 * A digest's full content as files: CSV (for a spreadsheet) and a Markdown table (to read), one row per event,
 * with everything an alert line says. Platform-neutral: the adapters upload what this builds.
 */
import type { ReplyFile } from '../commands/reply';
import { listInfo } from '../lists';
import { ACTION_WORDS, actionRank, dateText, typeWord, type AlertFacts } from './facts';

export interface DigestRowEvent {
  id: number;
  list: string;
  name: string;
  facts: AlertFacts;
  watch?: string;
}

export const DIGEST_COLUMNS = [
  'party',
  'listed as',
  'type',
  'countries',
  'list',
  'list code',
  'action',
  'fields changed',
  'date',
  'date is',
  'effective',
  'listed since',
  'until',
  'programs',
  'citation',
  'issuer',
  'link',
  'party id',
  'watch term',
  'event',
] as const;

/** The digest's order: additions, removals, suspensions, material changes, cosmetic changes; by list, program. */
export function digestOrder<T extends DigestRowEvent>(events: T[]): T[] {
  return [...events].sort(
    (a, b) =>
      actionRank(a.facts) - actionRank(b.facts) ||
      a.list.localeCompare(b.list) ||
      (a.facts.programs[0] ?? '').localeCompare(b.facts.programs[0] ?? '') ||
      a.id - b.id,
  );
}

export function digestRow(e: DigestRowEvent): string[] {
  const f = e.facts;
  const code = e.list as Parameters<typeof listInfo>[0];
  return [
    f.party,
    f.listedAs ?? '',
    typeWord(f.type),
    f.countries.join(' '),
    listInfo(code).short,
    e.list,
    f.action,
    (f.fields ?? []).join(' '),
    f.date ?? '',
    // Which date "date" is (published, effective), empty where the source does not say: never a bare date read as effective.
    f.date ? (f.dateKind ?? '') : '',
    f.effective ?? '',
    f.listedSince ?? (f.seenSince ? `${f.seenSince} or earlier` : ''),
    f.until ?? '',
    f.programs.join('; '),
    f.citation ?? '',
    f.issuer,
    f.url ?? '',
    f.partyId,
    e.watch ?? '',
    String(e.id),
  ];
}

/** One CSV cell: quoted when needed; a cell that a spreadsheet would run as a formula is made text. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function digestCsv(events: DigestRowEvent[]): string {
  const lines = [DIGEST_COLUMNS.join(','), ...digestOrder(events).map((e) => digestRow(e).map(csvCell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** Markdown table cell: one line, pipes and markup characters escaped. */
function mdCell(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/([\\|*_`[\]<>#~])/g, '\\$1');
}

const MD_COLUMNS = ['#', 'party', 'type', 'countries', 'list', 'what happened', 'date', 'listed since', 'programs', 'citation', 'issuer', 'link'];

export function digestMarkdown(title: string, events: DigestRowEvent[]): string {
  const rows = digestOrder(events).map((e, i) => {
    const f = e.facts;
    const what = `${ACTION_WORDS[f.action].split(' ')[0]}${f.fields?.length ? ` (${f.fields.join(', ')})` : ''}${f.until ? ` until ${f.until}` : ''}`;
    const date = [f.date ? dateText(f) : '', f.effective ? `effective ${f.effective}` : ''].filter(Boolean).join(', ');
    const link = f.url && /^https?:\/\/[^\s()<>]+$/i.test(f.url) ? `[${f.citation ? mdCell(f.citation) : 'official'}](${f.url})` : '';
    return [
      String(i + 1),
      mdCell(f.party + (f.listedAs ? ` (listed as ${f.listedAs})` : '')),
      typeWord(f.type),
      mdCell(f.countries.join(' ')),
      e.list,
      mdCell(what),
      mdCell(date),
      mdCell(f.listedSince ?? (f.seenSince ? `${f.seenSince} or earlier (first seen)` : '')),
      mdCell(f.programs.join(', ')),
      mdCell(f.citation ?? ''),
      mdCell(f.issuer),
      link,
    ];
  });
  const table = [`| ${MD_COLUMNS.join(' | ')} |`, `| ${MD_COLUMNS.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  return `# ${mdCell(title)}\n\n${events.length} entries. Dates are the publisher's (blank where the source gives none).\n\n${table.join('\n')}\n`;
}

/** The digest's files: `<stem>.csv` and `<stem>.md`. */
export function digestFiles(stem: string, title: string, events: DigestRowEvent[]): ReplyFile[] {
  return [
    { name: `${stem}.csv`, type: 'text/csv', title: `${title} (CSV)`, content: digestCsv(events) },
    { name: `${stem}.md`, type: 'text/markdown', title: `${title} (Markdown)`, content: digestMarkdown(title, events) },
  ];
}
