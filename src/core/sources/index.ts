/**
 * The format registry: one parser per format of DESIGN.md. Bump PARSER_VERSION whenever a parser's output
 * for the same input changes, so that sources whose bytes did not change are parsed again once.
 */
import type { SourceFormat } from './config';
import { parseCnNotices } from './cn-notices';
import { parseCnSanctionsCsv } from './cn-sanctions-csv';
import { parseCslCsv } from './csl-csv';
import { parseCslJson } from './csl-json';
import { parseDod1260hCsv } from './dod-1260h-csv';
import { parseEntitiesJson } from './entities-json';
import { parseFrRuleXml } from './fr-rule-xml';
import { parseFrRules } from './fr-rules';
import { parseFtmJson } from './ftm-json';
import { parseOfacCsv } from './ofac-csv';
import { parseOfacEnhancedXml } from './ofac-enhanced-xml';
import type { Parser } from './types';

/**
 * 2: China's notices carry each designation's history (suspensions, stops, resumptions).
 * 3: France, Burkina Faso, Benin, Serbia, DR Congo and Timor-Leste under their current codes (were FX, HV, DY, YU, ZR, TP).
 * 4: cn-notices reads one copy of a notice published at several addresses; page titles without the site's name.
 * 5: designations say which date since is (since_kind, published, effective); CSL Entity List footnotes.
 */
export const PARSER_VERSION = 5;

export const PARSERS: Record<SourceFormat, Parser> = {
  'csl-csv': parseCslCsv,
  'csl-json': parseCslJson,
  'ofac-csv': parseOfacCsv,
  'ofac-enhanced-xml': parseOfacEnhancedXml,
  'entities-json': parseEntitiesJson,
  'dod-1260h-csv': parseDod1260hCsv,
  'cn-sanctions-csv': parseCnSanctionsCsv,
  'cn-notices': parseCnNotices,
  'ftm-json': parseFtmJson,
  'fr-rule-xml': parseFrRuleXml,
  'fr-rules': parseFrRules,
};
