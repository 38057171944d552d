/**
 * `cn-notices`: China's lists straight from the texts of official announcements — MOFCOM export-control
 * 管控名单 / 关注名单 announcements, Unreliable Entity List working-mechanism announcements, MFA
 * countermeasure decisions under the Anti-Foreign Sanctions Law, TAO lists — one document per notice,
 * plain text (with or without the 【发布单位】【发布文号】【发文日期】 header) or the HTML page itself.
 *
 * Everything is read from the text, never from file or folder names: the list (from the wording:
 * 列入不可靠实体清单 -> CN-MOFCOM-UEL, 列入出口管制管控名单 -> CN-MOFCOM-ECL, 关注名单 -> CN-MOFCOM-ECWL,
 * 台独 lists -> CN-TAO, 反制 / 反外国制裁法 -> CN-CM), the targets (annex, else the decision sentence),
 * the 文号, dates, issuing body and measures. Announcements that suspend or stop earlier measures
 * (暂停/停止…〔2025〕7号…相关措施) are resolved against the notices of the same folder by their 文号, so the
 * output carries the current status: suspended (with until) or removed (until = the day it stopped).
 *
 * One record per target per notice. Key: list | keyName(Chinese name, else the Latin one) | publication
 * date. The date is always present (one MFA decision has no order number, and the same 文号 is spelt three
 * ways on the sites), and stays the same when a notice is fetched again. Display name: the Latin name the
 * notice gives (what most users type), with the Chinese as a `translation` name; the Chinese otherwise.
 */
import type { DesignationInput, NameEntry, SourceRecord, SourceRecordInput } from '../model';
import { finalizeRecords, keepLists, keyName, stableKey } from './common';
import { readEntities, type NoticeEntity } from './cn-notices-parts/entities';
import { readHeader, readMeasures, type MeasureGroup, type NoticeHeader } from './cn-notices-parts/header';
import { readModifications, type Modification } from './cn-notices-parts/modifications';
import { documentString, foldText, htmlToText, looksLikeHtml, tidy } from './cn-notices-parts/text';
import { ParseError, withParseWarnings, type FetchedDocument, type Parser } from './types';

export interface ParsedNotice {
  /** Document name (file relative to the folder, or URL). */
  name: string;
  header: NoticeHeader & { list: NonNullable<NoticeHeader['list']>; published: string };
  entities: NoticeEntity[];
  modifications: Modification[];
  measures: MeasureGroup[];
  /** Written in traditional characters. */
  traditional: boolean;
}

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
const LISTS_HINT = '不可靠实体清单, 出口管制管控名单, 出口管制关注名单, 反制措施 / 反外国制裁法, "台独" lists';

/** Read one notice. Throws ParseError when the document is not a notice or names no list. */
export function parseNoticeDocument(doc: FetchedDocument): ParsedNotice {
  const raw = documentString(doc);
  const t = looksLikeHtml(raw, doc.contentType) ? htmlToText(raw, /^https?:\/\//i.test(doc.name) ? doc.name : undefined) : tidy(raw);
  const s = foldText(t);
  let changed = 0;
  for (let i = 0; i < t.length; i++) if (t[i] !== s[i] && HAN.test(t[i]!)) changed++;
  const header = readHeader(s, t);
  if (!header.list) {
    throw new ParseError(
      header.hasHeader
        ? `${doc.name}: no recognizable list in the notice (looked for ${LISTS_HINT})`
        : `${doc.name}: not an official notice: no 【发布单位】 header and no recognizable list (looked for ${LISTS_HINT})`,
    );
  }
  if (!header.published) {
    throw new ParseError(`${doc.name}: no publication date (no 【发文日期】, date line or dated signature)`);
  }
  const restore = (folded: string): string => {
    if (s === t) return folded;
    const at = s.indexOf(folded);
    return at >= 0 ? t.slice(at, at + folded.length) : folded;
  };
  return {
    name: doc.name,
    header: { ...header, list: header.list, published: header.published },
    entities: readEntities(s, header.list, restore),
    modifications: readModifications(s, header.published),
    measures: readMeasures(s, t),
    traditional: changed >= 3,
  };
}

interface Built {
  notice: ParsedNotice;
  entity: NoticeEntity;
  record: SourceRecordInput;
  designation: DesignationInput;
}

function measuresFor(entity: NoticeEntity, groups: MeasureGroup[]): string | undefined {
  if (!groups.length) return undefined;
  if (groups.length === 1 || groups.every((g) => !g.target)) return groups.map((g) => g.text).join('');
  const named = groups.find((g) => g.target && ((entity.zh && g.target.includes(entity.zh)) || (entity.en && g.target.includes(entity.en))));
  const typed = groups.find((g) => g.type === entity.type);
  return (named ?? typed ?? groups[0]!).text;
}

function build(notice: ParsedNotice, entity: NoticeEntity): Built {
  const h = notice.header;
  const lang = notice.traditional ? 'zh-Hant' : 'zh-Hans';
  const names: NameEntry[] = [];
  const display = entity.en ?? entity.zh!;
  if (entity.en) names.push({ value: entity.en, kind: 'primary', script: 'latin', lang: 'en' });
  if (entity.zh) names.push({ value: entity.zh, kind: entity.en ? 'translation' : 'primary', script: HAN.test(entity.zh) ? 'han' : 'latin', lang });
  for (const alias of entity.aliases) names.push({ value: alias, kind: 'alias', lang: 'en' });
  const notes = [measuresFor(entity, notice.measures)].filter((n): n is string => !!n);
  const designation: DesignationInput = {
    list: h.list,
    status: entity.action === 'remove' ? 'removed' : 'active',
    since: entity.action === 'remove' ? undefined : (h.effective ?? h.published),
    // The notice's own words: "自2025年4月10日12时01分起正式实施" is an effective day, 【发文日期】 a publication day.
    since_kind: entity.action === 'remove' ? undefined : h.effective ? 'effective' : h.published ? 'published' : undefined,
    published: entity.action === 'remove' ? undefined : h.published,
    effective: entity.action === 'remove' ? undefined : h.effective,
    until: entity.action === 'remove' ? (h.effective ?? h.published) : undefined,
    programs: h.programs,
    citation: h.citation,
    url: h.url,
    authority: h.authority,
    notes: notes.join('\n') || undefined,
  };
  const record: SourceRecordInput = {
    key: stableKey(h.list, keyName(entity.zh ?? entity.en ?? display), h.published),
    name: display,
    type: entity.type,
    names,
    countries: entity.countries.length ? entity.countries : h.countries,
    designations: [designation],
    parent: entity.parent,
    remarks: entity.remarks.join('；') || undefined,
  };
  return { notice, entity, record, designation };
}

function appendNote(d: DesignationInput, note: string): void {
  d.notes = d.notes ? `${d.notes}\n${note}` : note;
}

/**
 * Write the step a modification makes into the designation's history: the listing itself first (from the
 * designation as it stood), the step before it closed on the day this one starts.
 */
function recordStep(d: DesignationInput, mod: Modification, notice: ParsedNotice): void {
  const from = mod.start ?? notice.header.published;
  const history = (d.history ??= [{ status: 'active', from: d.since, citation: d.citation, url: d.url }]);
  const last = history[history.length - 1]!;
  if (!last.until || last.until > from) last.until = from;
  const status = mod.action === 'suspend' ? 'suspended' : mod.action === 'stop' ? 'removed' : 'active';
  const h = notice.header;
  history.push({
    status,
    from,
    ...(status === 'suspended' && mod.until ? { until: mod.until } : {}),
    ...(h.citation ? { citation: h.citation } : {}),
    ...(h.title ? { title: h.title } : {}),
    ...(h.url ? { url: h.url } : {}),
  });
}

/**
 * Apply suspensions / stops to the designations of the notices they cite, oldest announcement first.
 * Returns a warning for each clause that names notices none of which was read.
 */
function applyModifications(notices: ParsedNotice[], built: Built[]): string[] {
  const warnings: string[] = [];
  const byRef = new Map<string, Built[]>();
  const byDate = new Map<string, Built[]>();
  for (const b of built) {
    const h = b.notice.header;
    if (h.ref) byRef.set(h.ref, [...(byRef.get(h.ref) ?? []), b]);
    const k = `${h.list}|${h.published}`;
    byDate.set(k, [...(byDate.get(k) ?? []), b]);
  }
  for (const notice of notices) {
    for (const mod of notice.modifications) {
      const targets = new Set<Built>();
      for (const ref of mod.refs) for (const b of byRef.get(ref) ?? []) targets.add(b);
      for (const date of mod.dateRefs) for (const b of byDate.get(`${notice.header.list}|${date}`) ?? []) targets.add(b);
      const source = `${notice.header.title ?? notice.name}（${notice.header.published}）`;
      if (!targets.size) {
        const named = [...mod.refs, ...mod.dateRefs].join(', ');
        warnings.push(`${notice.name}: "${mod.clause}" (${notice.header.published}) names ${named}, which no notice read carries: the change is not applied`);
      }
      for (const b of targets) {
        if (b.notice.header.published > notice.header.published) continue;
        const d = b.designation;
        recordStep(d, mod, notice);
        if (mod.action === 'suspend') {
          d.status = 'suspended';
          d.until = mod.until;
        } else if (mod.action === 'stop') {
          d.status = 'removed';
          d.until = mod.start ?? notice.header.published;
        } else {
          d.status = 'active';
          d.until = undefined;
        }
        appendNote(d, `${mod.start ?? notice.header.published}起：${mod.clause}——${source}`);
      }
    }
  }
  return warnings;
}

/** Notices that read as announcements on a list but name no target and change no earlier notice. */
function emptyNotices(notices: ParsedNotice[]): string[] {
  return notices
    .filter((n) => !n.entities.length && !n.modifications.length)
    .map((n) => {
      const which = `${n.header.list} (${n.header.citation ?? n.header.title ?? n.header.published})`;
      // 启动…调查: the working mechanism opens an investigation of a company; a listing may follow, none is made.
      if (/启动[^。]{0,30}调查|立案调查|啟動[^。]{0,30}調查/.test(n.header.title ?? ''))
        return `${n.name}: a notice on ${which} that opens an investigation (${n.header.title}), not a listing: nothing to record until a decision lists the company`;
      return `${n.name}: a notice on ${which} that names no target and changes no earlier notice: nothing read from it`;
    });
}

/** 移出 (removal) entries: mark the earlier designations of the same target on the same list removed. */
function applyRemovals(built: Built[]): Built[] {
  const kept: Built[] = [];
  for (const r of built) {
    if (r.entity.action !== 'remove') {
      kept.push(r);
      continue;
    }
    const names = [r.entity.zh, r.entity.en].filter((n): n is string => !!n).map(keyName);
    const earlier = built.filter(
      (b) =>
        b.entity.action === 'add' &&
        b.notice.header.list === r.notice.header.list &&
        b.notice.header.published <= r.notice.header.published &&
        [b.entity.zh, b.entity.en].some((n) => n && names.includes(keyName(n))),
    );
    for (const b of earlier) {
      const history = (b.designation.history ??= [{ status: 'active', from: b.designation.since, citation: b.designation.citation, url: b.designation.url }]);
      const last = history[history.length - 1]!;
      const from = r.designation.until;
      if (from && (!last.until || last.until > from)) last.until = from;
      const h = r.notice.header;
      history.push({ status: 'removed', from, ...(h.citation ? { citation: h.citation } : {}), ...(h.title ? { title: h.title } : {}), ...(h.url ? { url: h.url } : {}) });
      b.designation.status = 'removed';
      b.designation.until = r.designation.until;
      appendNote(b.designation, `${r.designation.until}起移出：${r.notice.header.citation ?? r.notice.header.title ?? r.notice.name}`);
    }
    if (!earlier.length) kept.push(r);
  }
  return kept;
}

/**
 * Read every document. A discovered set (a source with `discover`: pages an index linked to) tolerates
 * documents that are not notices or name no list: each becomes a warning naming its URL and why, and the
 * others are read. A folder of known notices does not (one bad file quarantines the snapshot). Either way,
 * a set of which no document is a notice is refused.
 */
function readNotices(documents: FetchedDocument[], tolerant: boolean): { notices: ParsedNotice[]; warnings: string[] } {
  const notices: ParsedNotice[] = [];
  const warnings: string[] = [];
  for (const doc of documents) {
    if (/(?:^|[\\/])\.[^\\/]*$/.test(doc.name)) continue;
    try {
      notices.push(parseNoticeDocument(doc));
    } catch (err) {
      if (!tolerant || !(err instanceof ParseError)) throw err;
      warnings.push(`${err.message}: not read (a page the indexes link to that is not a notice on a list)`);
    }
  }
  if (tolerant && !notices.length && warnings.length) {
    const shown = warnings.slice(0, 3).join('; ');
    throw new ParseError(`none of the ${warnings.length} documents is a notice on a list: ${shown}${warnings.length > 3 ? '; ...' : ''}`);
  }
  return { notices: onePerNotice(notices).sort((a, b) => (a.header.published < b.header.published ? -1 : a.header.published > b.header.published ? 1 : 0)), warnings };
}

/**
 * One copy of each notice: the same announcement is published at several addresses (MOFCOM's /zwgk/zcfb/,
 * /zcfb/blgg/gg/ and the bureau's site), and a seed file may hold a notice the indexes link to as well.
 * Same list, date and 文号 (or title, for the MFA decisions that have none) is the same notice; the copy
 * naming the most targets is kept, the first in document order on a tie.
 */
function onePerNotice(notices: ParsedNotice[]): ParsedNotice[] {
  const kept = new Map<string, ParsedNotice>();
  for (const n of notices) {
    const h = n.header;
    const key = `${h.list}|${h.published}|${h.citation ?? compactTitle(h.title) ?? n.name}`;
    const prior = kept.get(key);
    if (!prior || n.entities.length + n.modifications.length > prior.entities.length + prior.modifications.length) kept.set(key, n);
  }
  return [...kept.values()];
}

const compactTitle = (title: string | undefined) => title?.replace(/[\s\u3000]+/g, '').replace(/_.*$/, '') || undefined;

export const parseCnNotices: Parser = (input) => {
  const { notices, warnings: unread } = readNotices(input.documents, !!input.source.discover);
  let built: Built[] = [];
  for (const notice of notices) for (const entity of notice.entities) built.push(build(notice, entity));
  const warnings = [...unread, ...emptyNotices(notices), ...applyModifications(notices, built)];
  built = applyRemovals(built);
  const records: SourceRecord[] = finalizeRecords(
    built.map((b) => b.record),
    `cn-notices ${input.source.id}`,
  );
  return withParseWarnings(keepLists(records, input.source.lists), warnings);
};
