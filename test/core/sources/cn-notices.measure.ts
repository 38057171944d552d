/**
 * Measure the cn-notices parser against ammitto/data-cn's hand-made YAML for the same announcements
 * (china_lists/ammitto_data_cn/sources/: 38 announcement files, 323 entities; 3 modification files).
 *
 * Matching is per announcement: one of our designations matches one of their entities when the list agrees
 * (their folder decides it: anti-sanction-list -> CN-CM, import-export-control-list -> CN-MOFCOM-ECL,
 * unrealiable-entity-list -> CN-MOFCOM-UEL), the document number agrees (number, and year where both
 * carry one; by date when our citation has no number), and the Chinese names agree after folding
 * (NFKC, no whitespace, no ·, full/half-width brackets alike) or, failing that, the Latin names do.
 * Matching is one-to-one. Also checks our statuses against their modification files.
 *
 *   npx tsx test/core/sources/cn-notices.measure.ts        prints the report
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import type { Designation, SourceRecord } from '../../../src/core/model';
import type { ListCode } from '../../../src/core/lists';
import { parseCnNotices } from '../../../src/core/sources/cn-notices';
import { folderDocs, input } from '../../helpers/docs';
import { rawPath } from '../../helpers/shared';

export const NOTICES_DIR = rawPath('china_lists/ammitto_data_cn/reference-docs/sanction-lists');
export const AMMITTO_LISTS = rawPath('china_lists/ammitto_data_cn/sources/sanction-lists');
export const AMMITTO_UPDATES = rawPath('china_lists/ammitto_data_cn/sources/sanction-updates');

/** Their folders (with their typo) and the list each stands for. */
export const FOLDER_LIST: Record<string, ListCode> = {
  'anti-sanction-list': 'CN-CM',
  'import-export-control-list': 'CN-MOFCOM-ECL',
  'unrealiable-entity-list': 'CN-MOFCOM-UEL',
};
const LIST_FOLDER = Object.fromEntries(Object.entries(FOLDER_LIST).map(([f, l]) => [l, f])) as Record<string, string>;
const SANCTION_LIST: Record<string, ListCode> = { 反制裁清单: 'CN-CM', 出口管制管控名单: 'CN-MOFCOM-ECL', 不可靠实体清单: 'CN-MOFCOM-UEL' };

export interface TheirEntity {
  folder: string;
  file: string;
  docId: string;
  published: string;
  effective?: string;
  zh: string;
  en?: string;
  type: string;
  /** The list their folder stands for. */
  list: ListCode;
  /** The list their `sanction_list` field says, when it disagrees with the folder. */
  statedList?: ListCode;
}

export interface OurEntry {
  record: SourceRecord;
  designation: Designation;
  folder: string;
  zh?: string;
  en?: string;
}

export interface Score {
  theirs: number;
  ours: number;
  /** Their entities found in our output. */
  matched: number;
  /** Our designations found in their YAML. */
  matchedOurs: number;
  recall: number;
  precision: number;
}

export interface MeasureReport {
  overall: Score;
  perFolder: Record<string, Score>;
  misses: TheirEntity[];
  extras: OurEntry[];
  /** Matched pairs whose type disagrees (their organization/individual vs our entity/individual). */
  typeMismatches: Array<{ theirs: TheirEntity; ours: OurEntry }>;
  /** Their YAML entities whose sanction_list disagrees with their folder. */
  statedListMismatches: TheirEntity[];
  /** Our statuses compared with their modification files (final action per cited announcement). */
  statusChecks: Array<{ target: string; expected: string; got: string[]; ok: boolean }>;
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((e) => (statSync(join(dir, e)).isDirectory() ? walk(join(dir, e)) : [join(dir, e)]));
}

function yamlFile(path: string): Record<string, unknown> {
  return parse(readFileSync(path, 'utf8'), { maxAliasCount: -1 }) as Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export function loadTheirs(root = AMMITTO_LISTS): TheirEntity[] {
  const out: TheirEntity[] = [];
  for (const path of walk(root).filter((p) => /\.ya?ml$/.test(p))) {
    const folder = relative(root, path).split(/[\\/]/)[0]!;
    const list = FOLDER_LIST[folder];
    if (!list) continue;
    const y = yamlFile(path);
    const a = (y.announcement ?? {}) as Obj;
    const entities = (((y.sanction_details ?? {}) as Obj).entities ?? []) as Obj[];
    for (const e of entities) {
      const name = (e.name ?? {}) as Obj;
      const stated = SANCTION_LIST[str(e.sanction_list) ?? ''];
      out.push({
        folder,
        file: relative(root, path),
        docId: str(a.document_id) ?? '',
        published: String(a.publish_date ?? ''),
        effective: str(e.effective_date),
        zh: str(name['zh-Hans']) ?? '',
        en: str(name.en),
        type: str(e.type) ?? '',
        list,
        statedList: stated && stated !== list ? stated : undefined,
      });
    }
  }
  return out;
}

/** Chinese names alike: NFKC (full-width brackets -> half-width), no whitespace, no middle dots, no quotes. */
export function foldZh(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s·•・‧\u00b7“”"'‘’]/g, '');
}

/** Latin names alike: letters and digits only. */
export function foldEn(name: string): string {
  return name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Number and year of a document number: 〔2025〕7号, 2025年第13号, 第19号, 外交部令第19号. */
export function docNumber(text: string | undefined): { n?: number; year?: string } {
  if (!text) return {};
  const n = /(\d+)\s*号/.exec(text.replace(/〔\d{4}〕/, '').replace(/\d{4}年/, ''))?.[1];
  const year = /〔(\d{4})〕|(\d{4})年/.exec(text);
  return { n: n === undefined ? undefined : +n, year: year ? (year[1] ?? year[2]) : undefined };
}

function sameAnnouncement(t: TheirEntity, o: OurEntry): boolean {
  if (o.designation.list !== t.list) return false;
  const ours = docNumber(o.designation.citation);
  const theirs = docNumber(t.docId);
  if (ours.n !== undefined && theirs.n !== undefined) {
    if (ours.n !== theirs.n) return false;
    if (ours.year && theirs.year) return ours.year === theirs.year;
    const since = o.designation.since?.slice(0, 4);
    return !since || Math.abs(+since - +t.published.slice(0, 4)) <= 1;
  }
  const since = o.designation.since;
  return since === t.published || since === t.effective;
}

function sameName(t: TheirEntity, o: OurEntry): boolean {
  if (o.zh && t.zh && foldZh(o.zh) === foldZh(t.zh)) return true;
  const ens = [o.en, o.zh].filter((n): n is string => !!n).map(foldEn).filter(Boolean);
  const theirs = [t.en, t.zh].filter((n): n is string => !!n).map(foldEn).filter(Boolean);
  return ens.some((e) => theirs.includes(e) && /[a-z]/.test(e) && !/[\u4e00-\u9fff]/.test(o.zh ?? ''));
}

export function ourEntries(records: SourceRecord[]): OurEntry[] {
  const out: OurEntry[] = [];
  for (const record of records) {
    const zh = record.names.find((n) => n.script === 'han')?.value;
    const en = record.names.find((n) => n.script === 'latin')?.value;
    for (const designation of record.designations) {
      out.push({ record, designation, folder: LIST_FOLDER[designation.list] ?? designation.list, zh, en });
    }
  }
  return out;
}

function score(theirs: number, ours: number, matchedTheirs: number, matchedOurs: number): Score {
  return {
    theirs,
    ours,
    matched: matchedTheirs,
    matchedOurs,
    recall: theirs ? matchedTheirs / theirs : 1,
    precision: ours ? matchedOurs / ours : 1,
  };
}

/** Final action per cited announcement in their modification files vs our statuses. */
function statusChecks(ours: OurEntry[], updatesRoot: string): MeasureReport['statusChecks'] {
  const last = new Map<string, Obj>();
  for (const path of walk(updatesRoot).filter((p) => /\.ya?ml$/.test(p))) {
    const mods = (((yamlFile(path).measure_modifications ?? {}) as Obj).modifications ?? []) as Obj[];
    for (const m of mods) {
      const target = str(m.target_announcement_id);
      if (!target) continue;
      const prior = last.get(target);
      if (!prior || String(prior.effective_date) <= String(m.effective_date)) last.set(target, m);
    }
  }
  const out: MeasureReport['statusChecks'] = [];
  for (const [target, m] of last) {
    const expected =
      m.action === 'suspend' ? `suspended${m.until_date ? ` until ${String(m.until_date)}` : ''}` : `removed until ${String(m.effective_date)}`;
    const t = docNumber(target);
    const got = ours
      .filter((o) => o.designation.list === 'CN-MOFCOM-UEL')
      .filter((o) => {
        const d = docNumber(o.designation.citation);
        return d.n === t.n && d.year === t.year;
      })
      .map((o) => `${o.designation.status}${o.designation.until ? ` until ${o.designation.until}` : ''}`);
    const distinct = [...new Set(got)];
    out.push({ target, expected, got: distinct, ok: got.length > 0 && distinct.length === 1 && distinct[0] === expected });
  }
  return out.sort((a, b) => a.target.localeCompare(b.target));
}

export function measure(records: SourceRecord[], theirs = loadTheirs(), updatesRoot = AMMITTO_UPDATES): MeasureReport {
  const ours = ourEntries(records);
  const used = new Set<OurEntry>();
  const matchedTheirs = new Set<TheirEntity>();
  const typeMismatches: MeasureReport['typeMismatches'] = [];
  for (const t of theirs) {
    const o = ours.find((o) => !used.has(o) && sameAnnouncement(t, o) && sameName(t, o));
    if (!o) continue;
    used.add(o);
    matchedTheirs.add(t);
    const theirType = t.type === 'organization' ? 'entity' : t.type;
    if (theirType !== o.record.type) typeMismatches.push({ theirs: t, ours: o });
  }
  const folders = [...new Set([...theirs.map((t) => t.folder), ...ours.map((o) => o.folder)])].sort();
  const perFolder: Record<string, Score> = {};
  for (const f of folders) {
    const th = theirs.filter((t) => t.folder === f);
    const ou = ours.filter((o) => o.folder === f);
    perFolder[f] = score(th.length, ou.length, th.filter((t) => matchedTheirs.has(t)).length, ou.filter((o) => used.has(o)).length);
  }
  return {
    overall: score(theirs.length, ours.length, matchedTheirs.size, used.size),
    perFolder,
    misses: theirs.filter((t) => !matchedTheirs.has(t)),
    extras: ours.filter((o) => !used.has(o)),
    typeMismatches,
    statedListMismatches: theirs.filter((t) => t.statedList),
    statusChecks: statusChecks(ours, updatesRoot),
  };
}

/** Parse the real folder the way a refresh does (every file, names relative to the folder). */
export function parseRealFolder(dir = NOTICES_DIR): SourceRecord[] {
  return parseCnNotices(input({ format: 'cn-notices', location: dir }, folderDocs(dir)));
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatReport(r: MeasureReport, records?: SourceRecord[]): string {
  const lines: string[] = [];
  const row = (label: string, s: Score) =>
    `${label.padEnd(28)} recall ${pct(s.recall).padStart(6)} (${s.matched}/${s.theirs})   precision ${pct(s.precision).padStart(6)} (${s.matchedOurs}/${s.ours})`;
  lines.push(row('overall', r.overall));
  for (const [f, s] of Object.entries(r.perFolder)) lines.push(row(`  ${f}`, s));
  lines.push('', `misses (${r.misses.length}): in their YAML, not in our output`);
  for (const m of r.misses) lines.push(`  ${m.file}  ${m.docId}  ${m.zh} / ${m.en ?? ''}  (${m.type})`);
  lines.push('', `extras (${r.extras.length}): in our output, not in their YAML`);
  for (const e of r.extras) lines.push(`  ${e.folder}  ${e.designation.citation ?? ''}  ${e.zh ?? ''} / ${e.en ?? ''}  (${e.record.type})`);
  lines.push('', `type disagreements (${r.typeMismatches.length})`);
  for (const m of r.typeMismatches) lines.push(`  ${m.theirs.file}  ${m.theirs.zh}: theirs ${m.theirs.type}, ours ${m.ours.record.type}`);
  const stated = new Map<string, number>();
  for (const t of r.statedListMismatches) stated.set(`${t.file} says ${t.statedList}`, (stated.get(`${t.file} says ${t.statedList}`) ?? 0) + 1);
  lines.push('', `their sanction_list disagrees with their folder (${r.statedListMismatches.length})`);
  for (const [k, n] of stated) lines.push(`  ${k} (${n} entities)`);
  lines.push('', 'statuses vs their modification files');
  for (const c of r.statusChecks) lines.push(`  ${c.ok ? 'ok ' : 'BAD'} ${c.target}: expected ${c.expected}; ours ${c.got.join(', ') || '(none)'}`);
  if (records) {
    const counts = new Map<string, number>();
    for (const rec of records) for (const d of rec.designations) counts.set(`${d.list} ${d.status}`, (counts.get(`${d.list} ${d.status}`) ?? 0) + 1);
    lines.push('', `records: ${records.length}; designations per list and status:`);
    for (const [k, n] of [...counts].sort()) lines.push(`  ${k.padEnd(32)} ${n}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = parseRealFolder();
  console.log(formatReport(measure(records), records));
}
