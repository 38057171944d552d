/**
 * The data model shared by sources, store, lookup and alerts. Parsers produce `SourceRecord`s; the store
 * keeps them with their history; lookup groups them into `Party`s; refresh turns differences into
 * `ChangeEvent`s. Every shape here is a zod schema so that anything crossing a boundary can be checked.
 */
import { z } from 'zod';
import { ListCode } from './lists';

/** ISO date, YYYY-MM-DD. */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

export const DesignationStatus = z.enum(['active', 'removed', 'suspended']);
export type DesignationStatus = z.infer<typeof DesignationStatus>;

/**
 * One step of a designation's life as the notices tell it: listed, suspended (until a date), stopped,
 * resumed, each with the announcement that did it. Oldest first.
 */
export const DesignationStep = z.object({
  status: DesignationStatus,
  /** When this step began. */
  from: IsoDate.optional(),
  /** When it ended or ends (a suspension's end, the next step's start). */
  until: IsoDate.optional(),
  /** The announcement's number (文号), where it has one. */
  citation: z.string().optional(),
  /** The announcement's title, for those without a number (press answers that suspend measures). */
  title: z.string().optional(),
  url: z.string().optional(),
});
export type DesignationStep = z.infer<typeof DesignationStep>;

export const Designation = z.object({
  list: ListCode,
  status: DesignationStatus.default('active'),
  /** When the designation took effect (or was published), if the source says. */
  since: IsoDate.optional(),
  /** Which date `since` is, where the source says: the effective date or the publication date. */
  since_kind: z.enum(['effective', 'published']).optional(),
  /** Publication and effective dates, where the source gives both (a Federal Register rule). */
  published: IsoDate.optional(),
  effective: IsoDate.optional(),
  /** End of a suspension, or the date a designation ended, if the source says. */
  until: IsoDate.optional(),
  /** Programs / legal bases as the source names them (SDGT, CMIC-EO13959, 2025年第13号...). */
  programs: z.array(z.string()).default([]),
  /** The notice: "89 FR 12345", "商务部公告2025年第13号", "外交部令第19号". */
  citation: z.string().optional(),
  /** Official page of the notice or list entry. */
  url: z.string().optional(),
  /** Issuing body as the source names it ("Ministry of Commerce", "不可靠实体清单工作机制"). */
  authority: z.string().optional(),
  /** Footnote numbers of the entry ("3": the Russia/Belarus military end-user FDP rule), explained in notes. */
  footnotes: z.array(z.string()).optional(),
  /** Free text: licence requirement, reason, measure, status remark. */
  notes: z.string().optional(),
  /** How the status came to be, where later announcements changed it (suspensions, stops). */
  history: z.array(DesignationStep).optional(),
});
export type Designation = z.infer<typeof Designation>;
export type DesignationInput = z.input<typeof Designation>;

export const NameKind = z.enum(['primary', 'alias', 'former', 'translation', 'weak']);
export type NameKind = z.infer<typeof NameKind>;

export const Script = z.enum(['latin', 'han', 'other']);
export type Script = z.infer<typeof Script>;

export const NameEntry = z.object({
  value: z.string().min(1),
  kind: NameKind,
  /** Detected from the text when absent. */
  script: Script.optional(),
  /** BCP 47 tag where the source says: zh-Hans, zh-Hant, en. */
  lang: z.string().optional(),
});
export type NameEntry = z.infer<typeof NameEntry>;

export const PartyType = z.enum(['entity', 'individual', 'vessel', 'aircraft', 'unknown']);
export type PartyType = z.infer<typeof PartyType>;

export const Identifier = z.object({
  type: z.string().min(1),
  value: z.string().min(1),
  country: z.string().optional(),
});
export type Identifier = z.infer<typeof Identifier>;

/** One entry of one source, as a parser produces it. `key` is stable across refreshes of the source. */
export const SourceRecord = z.object({
  key: z.string().min(1).max(512),
  name: z.string().min(1),
  type: PartyType.default('unknown'),
  names: z.array(NameEntry).default([]),
  /** ISO 3166-1 alpha-2 where it could be derived, else the source's text. */
  countries: z.array(z.string()).default([]),
  addresses: z.array(z.string()).default([]),
  identifiers: z.array(Identifier).default([]),
  designations: z.array(Designation).min(1),
  /** Name of the parent company where the list names one (1260H subsidiaries). */
  parent: z.string().optional(),
  remarks: z.string().optional(),
});
export type SourceRecord = z.infer<typeof SourceRecord>;
export type SourceRecordInput = z.input<typeof SourceRecord>;

export const ChangeKind = z.enum(['added', 'removed', 'changed', 'suspended']);
export type ChangeKind = z.infer<typeof ChangeKind>;

/** A change found by a refresh: one per (record, list) that was added, removed, changed or suspended. */
export interface ChangeEvent {
  id: number;
  at: string;
  kind: ChangeKind;
  list: ListCode;
  source: string;
  record: string;
  name: string;
  /** What changed, for `changed`: field names; for `suspended`: until when. */
  detail: Record<string, unknown>;
  refreshId: number;
}
