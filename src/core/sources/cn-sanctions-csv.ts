/**
 * `cn-sanctions-csv`: the China designations sheet (OpenSanctions `datasets/cn/sanctions/sanctions.csv`,
 * hand-curated from MOFCOM / MFA / TAO notices). One row per designation event; one record per event.
 *
 * Columns: Type, QID, Name, Alias, Chinese name, Country, Topics, Summary, Chinese summary, Body, List,
 * Date, End date, Source URL, Address.
 *
 * - Key = list code + keyName(Name) + ISO date (stableKey); the row without a date keys without one.
 *   These keys are a contract (the timeline tests diff them across snapshots). The sheet records some
 *   events twice (the same MFA decision under two URLs or two list wordings, e.g. "AFSL" 21.06.24 and
 *   "List of Targets of Countermeasures" 21.06.2024): such rows share a key and fold into one record with
 *   one designation (names, countries and addresses united, the first row's fields completed by the later).
 * - (Body, List) -> list code follows metadata/cn_sanctions.yml; an unknown pair is a ParseError naming it.
 * - Dates are DD.MM.YYYY or DD.MM.YY. `End date` -> status removed with `until`. A Summary / Chinese
 *   summary that states a suspension with a derivable end ("suspended for one year from 10 November 2025",
 *   "暂停…至2026年11月10日") -> status suspended with `until`; otherwise the text stays in notes.
 * - Chinese name -> a 'translation' name, script han, lang zh-Hans (kept as written, with its ·).
 * - citation: a notice number found in the Summary / Chinese summary (公告2025年第13号, 〔2025〕7号,
 *   第19号); the sheet has none today, so it is normally undefined.
 */
import { parse } from 'csv-parse/sync';
import type { Designation, DesignationInput, NameEntry, PartyType, SourceRecord, SourceRecordInput } from '../model';
import type { ListCode } from '../lists';
import { countryCodes, decodeText, finalizeRecords, isoDate, keepLists, keyName, scriptOf, splitMulti, stableKey } from './common';
import { ParseError, type FetchedDocument, type Parser } from './types';

// ---------------------------------------------------------------------------------------------------------
// Helpers shared with the other format modules of this folder (dod-1260h-csv, entities-json).

export interface CsvRow {
  /** 1-based line of the file where the row ends (the header is line 1). */
  line: number;
  /** Cell by header name (trimmed); '' for a missing cell. */
  get(column: string): string;
}

/**
 * Read a CSV document with a header row: decode, refuse HTML / JSON / empty input, check that the
 * required columns are present, and hand back the data rows. Errors name the file and line.
 */
export function readCsvTable(doc: FetchedDocument, required: readonly string[], format: string): CsvRow[] {
  const text = decodeText(doc);
  const start = text.trimStart().slice(0, 200);
  if (!start) throw new ParseError(`${doc.name}: empty file, expected a ${format} CSV`);
  if (start.startsWith('<')) throw new ParseError(`${doc.name}: looks like HTML or XML, not a ${format} CSV`);
  if (start.startsWith('{') || start.startsWith('[')) throw new ParseError(`${doc.name}: looks like JSON, not a ${format} CSV`);
  type Parsed = Array<{ record: string[]; info: { lines: number } }>;
  const read = (to?: number): Parsed => {
    try {
      return parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, ...(to ? { to } : {}) }) as unknown as Parsed;
    } catch (err) {
      throw new ParseError(`${doc.name}: not readable as CSV: ${(err as Error).message}`);
    }
  };
  // The header first, so that a wrong file is refused without reading all of it.
  const first = read(1)[0];
  if (!first) throw new ParseError(`${doc.name}: empty file, expected a ${format} CSV`);
  const header = first.record.map((h) => h.trim());
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(h.toLowerCase())) index.set(h.toLowerCase(), i);
  });
  const missing = required.filter((c) => !index.has(c.toLowerCase()));
  if (missing.length) {
    const seen = header.slice(0, 8).map((h) => JSON.stringify(h.slice(0, 40))).join(', ');
    throw new ParseError(
      `${doc.name}: not a ${format} file: the header lacks column(s) ${missing.map((m) => `"${m}"`).join(', ')} (first row: ${seen}${header.length > 8 ? ', …' : ''})`,
    );
  }
  const rows: CsvRow[] = [];
  const all = read();
  const last = all[all.length - 1]?.info.lines;
  for (const { record, info } of all.slice(1)) {
    if (record.length > header.length && record.slice(header.length).some((c) => c.trim())) {
      throw new ParseError(`${doc.name}: line ${info.lines}: ${record.length} cells but the header has ${header.length} columns`);
    }
    // A row cut short is a damaged file (a download cut mid-row), never a row with empty cells: its last
    // cell (a URL, a name) would be stored truncated and the rows after it would look removed.
    if (record.length < header.length) {
      throw new ParseError(
        `${doc.name}: line ${info.lines}: the row is cut short (${record.length} of ${header.length} columns${info.lines === last ? ', at the end of the file: a truncated file?' : ''})`,
      );
    }
    rows.push({
      line: info.lines,
      get: (column) => {
        const i = index.get(column.toLowerCase());
        return i === undefined ? '' : (record[i] ?? '').trim();
      },
    });
  }
  return rows;
}

const CN_YEAR = '(?:\\d{4}|[〇零一二三四五六七八九]{4})';
const CN_ISSUERS = '商务部|外交部|不可靠实体清单工作机制|国务院台湾事务办公室|国台办|海关总署|国务院关税税则委员会';
const CN_NOTICE = new RegExp(
  `((?:(?:${CN_ISSUERS})?(?:公告|令|决定))?\\s*(?:〔${CN_YEAR}〕\\s*第?\\s*\\d+\\s*号|${CN_YEAR}\\s*年\\s*第\\s*\\d+\\s*号|第\\s*\\d+\\s*号))`,
  'u',
);

/** A Chinese notice number in a text: 商务部公告2025年第13号, 不可靠实体清单工作机制公告〔2025〕7号, 外交部令第19号. */
export function cnNoticeCitation(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const m = text.match(CN_NOTICE);
  return m?.[1]?.replace(/\s+/g, '') || undefined;
}

/**
 * Fold designations of the same list into one (the same event recorded twice): the first one's fields win,
 * missing ones are filled from the later, programs are united, since is the earliest, distinct notes and
 * citations are kept together.
 */
export function foldDesignations(designations: Designation[]): Designation[] {
  const byList = new Map<string, Designation>();
  for (const d of designations) {
    const prior = byList.get(d.list);
    if (!prior) {
      byList.set(d.list, { ...d, programs: [...d.programs] });
      continue;
    }
    const joinDistinct = (a: string | undefined, b: string | undefined, sep: string) =>
      a && b && !a.split(sep).includes(b) ? `${a}${sep}${b}` : (a ?? b);
    byList.set(d.list, {
      ...prior,
      since: prior.since && d.since ? (d.since < prior.since ? d.since : prior.since) : (prior.since ?? d.since),
      since_kind: prior.since_kind ?? d.since_kind,
      until: prior.until ?? d.until,
      programs: [...prior.programs, ...d.programs.filter((p) => !prior.programs.includes(p))],
      citation: joinDistinct(prior.citation, d.citation, '; '),
      url: prior.url ?? d.url,
      authority: prior.authority ?? d.authority,
      notes: joinDistinct(prior.notes, d.notes, '\n'),
    });
  }
  return [...byList.values()];
}

/**
 * Tidy records that finalizeRecords merged from several rows: fold designations of the same list (see
 * foldDesignations) and keep one primary name (other rows' primary spellings become aliases).
 */
export function tidyMergedRecords(records: SourceRecord[]): SourceRecord[] {
  return records.map((r) => {
    const extraPrimary = r.names.some((n) => n.kind === 'primary' && n.value !== r.name);
    if (r.designations.length < 2 && !extraPrimary) return r;
    const seen = new Set<string>();
    const names = r.names
      .map((n) => (n.kind === 'primary' && n.value !== r.name ? { ...n, kind: 'alias' as const } : n))
      .filter((n) => {
        const k = `${n.kind}\u0000${n.value}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    return { ...r, names, designations: foldDesignations(r.designations) };
  });
}

// ---------------------------------------------------------------------------------------------------------

const FORMAT = 'cn-sanctions-csv';
const REQUIRED = ['Type', 'Name', 'Alias', 'Chinese name', 'Country', 'Body', 'List', 'Date', 'Source URL'] as const;

/** The list code of a row from its (Body, List) pair, per metadata/cn_sanctions.yml; undefined if unknown. */
export function cnListCode(body: string, list: string, topics = ''): ListCode | undefined {
  const l = list.trim().toLowerCase().replace(/[“”"]/g, '"');
  const b = body.trim().toLowerCase();
  if (l) {
    if (l === 'uel' || l === 'unreliable entity list') return 'CN-MOFCOM-UEL';
    if (l === 'list of export controls' || l === 'export control list' || l === 'export control control list') return 'CN-MOFCOM-ECL';
    if (l === 'export control watch list') return 'CN-MOFCOM-ECWL';
    if (l === 'afsl' || l === 'list of targets of countermeasures' || l.startsWith('decision on countermeasures')) return 'CN-CM';
    if (l === 'diehard "taiwan independence" separatists' || l === 'henchmen and accomplices of "taiwan independence"') return 'CN-TAO';
    return undefined;
  }
  if (b === 'ministry of foreign affairs') return 'CN-CM';
  if (b === 'taiwan affairs office of the state council' || b === 'taiwan work office of the cpc central committee') return 'CN-TAO';
  // One row (The Alliance of Democracies Foundation, sourced from a MERICS commentary) has neither body
  // nor list; its topic says it is a countermeasure.
  if (!b && /\bsanction\.counter\b/.test(topics)) return 'CN-CM';
  return undefined;
}

function partyType(text: string): PartyType {
  switch (text.trim().toLowerCase()) {
    case 'person':
      return 'individual';
    case 'organization':
    case 'organisation':
    case 'company':
    case 'legalentity':
    case 'publicbody':
      return 'entity';
    case 'vessel':
      return 'vessel';
    case 'airplane':
    case 'aircraft':
      return 'aircraft';
    default:
      return 'unknown';
  }
}

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, twelve: 12, '一': 1, '两': 2, '二': 2, '三': 3, '六': 6 };

function addPeriod(iso: string, amount: number, unit: 'year' | 'month'): string | undefined {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const months = unit === 'year' ? amount * 12 : amount;
  const target = new Date(Date.UTC(y, m - 1 + months, d));
  if (target.getUTCDate() !== d) target.setUTCDate(0); // 31 Jan + 1 month -> end of February
  return target.toISOString().slice(0, 10);
}

/** The end of a suspension stated in free text (English or Chinese), if it can be derived. */
export function suspensionUntil(text: string): string | undefined {
  if (!/suspend|暂停/i.test(text)) return undefined;
  let m = text.match(/suspend\w*[^.;]*?\buntil\s+(\d{1,2}\s+[A-Za-z]+\s+\d{4}|[A-Za-z]+\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})/i);
  if (m) return isoDate(m[1]!);
  m = text.match(/suspend\w*\s+(?:for\s+(?:a|an|one|two|three|six|twelve|\d+)\s+(?:years?|months?)\s+)?(?:from|starting|as of)\s+(\d{1,2}\s+[A-Za-z]+\s+\d{4}|[A-Za-z]+\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})/i);
  if (m) {
    const from = isoDate(m[1]!);
    const period = m[0].match(/for\s+(a|an|one|two|three|six|twelve|\d+)\s+(year|month)s?/i);
    if (from && period) {
      const n = /^\d+$/.test(period[1]!) ? Number(period[1]) : (NUMBER_WORDS[period[1]!.toLowerCase()] ?? 1);
      return addPeriod(from, n, period[2]!.toLowerCase() as 'year' | 'month');
    }
    return undefined;
  }
  m = text.match(/暂停[^。；]*?至\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)/);
  if (m) return isoDate(m[1]!.replace(/\s+/g, ''));
  m = text.match(/自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起[^。；]*?暂停[^。；]*?(\d+|[一两二三六])\s*(年|个月)/);
  if (m) {
    const from = isoDate(m[1]!.replace(/\s+/g, ''));
    const n = /^\d+$/.test(m[2]!) ? Number(m[2]) : (NUMBER_WORDS[m[2]!] ?? 1);
    return from ? addPeriod(from, n, m[3] === '年' ? 'year' : 'month') : undefined;
  }
  return undefined;
}

function rowDate(value: string, doc: FetchedDocument, line: number, column: string): string | undefined {
  if (!value) return undefined;
  const date = isoDate(value);
  if (!date) throw new ParseError(`${doc.name}: line ${line}: ${column} "${value}" is not a date (expected DD.MM.YYYY or DD.MM.YY)`);
  return date;
}

function parseDocument(doc: FetchedDocument): SourceRecordInput[] {
  const rows = readCsvTable(doc, REQUIRED, FORMAT);
  const out: SourceRecordInput[] = [];
  for (const row of rows) {
    const at = `${doc.name}: line ${row.line}`;
    const name = row.get('Name');
    if (!name) throw new ParseError(`${at}: empty Name`);
    const body = row.get('Body');
    const listText = row.get('List');
    const list = cnListCode(body, listText, row.get('Topics'));
    if (!list) throw new ParseError(`${at}: unknown (Body, List) pair ("${body}", "${listText}"): no list code is mapped for it`);
    const since = rowDate(row.get('Date'), doc, row.line, 'Date');
    const ended = rowDate(row.get('End date'), doc, row.line, 'End date');

    const names: NameEntry[] = [{ value: name, kind: 'primary' }];
    for (const alias of splitMulti(row.get('Alias'), ';')) names.push({ value: alias, kind: 'alias' });
    const chinese = row.get('Chinese name');
    if (chinese) {
      names.push(
        scriptOf(chinese) === 'han'
          ? { value: chinese, kind: 'translation', script: 'han', lang: 'zh-Hans' }
          : { value: chinese, kind: 'alias' },
      );
    }

    const summary = row.get('Summary');
    const summaryZh = row.get('Chinese summary');
    const notes = [summary, summaryZh].filter(Boolean).join('\n') || undefined;
    const designation: DesignationInput = {
      list,
      status: 'active',
      since,
      // The sheet dates a row by its announcement (the day it was published), not by an effective day.
      since_kind: since ? 'published' : undefined,
      programs: listText ? [listText] : [],
      citation: cnNoticeCitation(summaryZh) ?? cnNoticeCitation(summary),
      url: row.get('Source URL') || undefined,
      authority: body || undefined,
      notes,
    };
    if (ended) {
      designation.status = 'removed';
      designation.until = ended;
    } else if (notes) {
      const until = suspensionUntil(notes);
      if (until) {
        designation.status = 'suspended';
        designation.until = until;
      }
    }

    const qid = row.get('QID');
    const address = row.get('Address');
    out.push({
      key: since ? stableKey(list, keyName(name), since) : stableKey(list, keyName(name)),
      name,
      type: partyType(row.get('Type')),
      names,
      countries: countryCodes(splitMulti(row.get('Country'), ';')),
      addresses: address ? [address] : [],
      identifiers: /^Q\d+$/.test(qid) ? [{ type: 'Wikidata', value: qid }] : [],
      designations: [designation],
    });
  }
  return out;
}

export const parseCnSanctionsCsv: Parser = ({ source, documents }) => {
  if (!documents.length) throw new ParseError(`${source.id}: no document to parse`);
  const raw = documents.flatMap(parseDocument);
  const records = tidyMergedRecords(finalizeRecords(raw, documents.map((d) => d.name).join(', ')));
  return keepLists(records, source.lists);
};
