/**
 * The list catalogue: every list code the project knows (DESIGN.md "List codes"), with its issuer,
 * side, kind and official page. Codes are a contract: sources, events, subscriptions and the CLI use them.
 */
import { z } from 'zod';

export const LIST_CODES = [
  'US-BIS-EL',
  'US-BIS-MEU',
  'US-BIS-UVL',
  'US-BIS-DPL',
  'US-OFAC-SDN',
  'US-OFAC-CMIC',
  'US-OFAC-SSI',
  'US-OFAC-PLC',
  'US-OFAC-MBS',
  'US-OFAC-CAPTA',
  'US-OFAC-FSE',
  'US-STATE-ISN',
  'US-STATE-DTC',
  'US-DOD-1260H',
  'CN-MOFCOM-UEL',
  'CN-MOFCOM-ECL',
  'CN-MOFCOM-ECWL',
  'CN-CM',
  'CN-TAO',
] as const;

export const ListCode = z.enum(LIST_CODES);
export type ListCode = z.infer<typeof ListCode>;

export type Side = 'us' | 'cn';
export type ListKind = 'sanctions' | 'export-control' | 'investment' | 'procurement' | 'countermeasures';

export interface ListInfo {
  code: ListCode;
  name: string;
  /** The list's own name in Chinese, for China's lists. */
  nameZh?: string;
  short: string;
  issuer: string;
  side: Side;
  kind: ListKind;
  url: string;
}

const L = (info: ListInfo): [ListCode, ListInfo] => [info.code, info];

export const LISTS: ReadonlyMap<ListCode, ListInfo> = new Map([
  L({ code: 'US-BIS-EL', short: 'Entity List', name: 'Entity List', issuer: 'Commerce / BIS', side: 'us', kind: 'export-control', url: 'https://www.bis.gov/regulations/ear/744#supplement-4-744' }),
  L({ code: 'US-BIS-MEU', short: 'MEU List', name: 'Military End-User List', issuer: 'Commerce / BIS', side: 'us', kind: 'export-control', url: 'https://www.bis.gov/regulations/ear/744#supplement-7-744' }),
  L({ code: 'US-BIS-UVL', short: 'Unverified List', name: 'Unverified List', issuer: 'Commerce / BIS', side: 'us', kind: 'export-control', url: 'https://www.bis.gov/regulations/ear/744#supplement-6-744' }),
  L({ code: 'US-BIS-DPL', short: 'Denied Persons', name: 'Denied Persons List', issuer: 'Commerce / BIS', side: 'us', kind: 'export-control', url: 'https://www.bis.gov/enforcement/denied-persons-list' }),
  L({ code: 'US-OFAC-SDN', short: 'SDN', name: 'Specially Designated Nationals and Blocked Persons List', issuer: 'Treasury / OFAC', side: 'us', kind: 'sanctions', url: 'https://sanctionssearch.ofac.treas.gov/' }),
  L({ code: 'US-OFAC-CMIC', short: 'NS-CMIC', name: 'Non-SDN Chinese Military-Industrial Complex Companies List', issuer: 'Treasury / OFAC', side: 'us', kind: 'investment', url: 'https://ofac.treasury.gov/sanctions-programs-and-country-information/chinese-military-companies-sanctions' }),
  L({ code: 'US-OFAC-SSI', short: 'SSI', name: 'Sectoral Sanctions Identifications List', issuer: 'Treasury / OFAC', side: 'us', kind: 'sanctions', url: 'https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists' }),
  L({ code: 'US-OFAC-PLC', short: 'NS-PLC', name: 'Non-SDN Palestinian Legislative Council List', issuer: 'Treasury / OFAC', side: 'us', kind: 'sanctions', url: 'https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists' }),
  L({ code: 'US-OFAC-MBS', short: 'NS-MBS', name: 'Non-SDN Menu-Based Sanctions List', issuer: 'Treasury / OFAC', side: 'us', kind: 'sanctions', url: 'https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists' }),
  L({ code: 'US-OFAC-CAPTA', short: 'CAPTA', name: 'Correspondent Account or Payable-Through Account Sanctions List', issuer: 'Treasury / OFAC', side: 'us', kind: 'sanctions', url: 'https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists' }),
  L({ code: 'US-OFAC-FSE', short: 'FSE', name: 'Foreign Sanctions Evaders List', issuer: 'Treasury / OFAC', side: 'us', kind: 'sanctions', url: 'https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists' }),
  L({ code: 'US-STATE-ISN', short: 'ISN', name: 'Nonproliferation Sanctions', issuer: 'State / ISN', side: 'us', kind: 'sanctions', url: 'https://www.state.gov/key-topics-bureau-of-international-security-and-nonproliferation/nonproliferation-sanctions' }),
  L({ code: 'US-STATE-DTC', short: 'ITAR Debarred', name: 'ITAR Debarred Parties', issuer: 'State / DDTC', side: 'us', kind: 'export-control', url: 'https://www.pmddtc.state.gov/ddtc_public/ddtc_public?id=ddtc_kb_article_page&sys_id=c22d1833dbb8d300d0a370131f9619f0' }),
  L({ code: 'US-DOD-1260H', short: '1260H', name: 'Section 1260H Chinese Military Companies', issuer: 'Defense / DoD', side: 'us', kind: 'procurement', url: 'https://www.federalregister.gov/documents/2026/06/10/2026-11571' }),
  L({ code: 'CN-MOFCOM-UEL', short: 'Unreliable Entity List', name: 'Unreliable Entity List', nameZh: '不可靠实体清单', issuer: 'MOFCOM', side: 'cn', kind: 'countermeasures', url: 'https://www.mofcom.gov.cn/zcfb/blgg/' }),
  L({ code: 'CN-MOFCOM-ECL', short: 'Export Control List', name: 'Export Control Control List', nameZh: '出口管制管控名单', issuer: 'MOFCOM', side: 'cn', kind: 'export-control', url: 'https://aqygzj.mofcom.gov.cn/flzc/gzjgfxwj/index.html' }),
  L({ code: 'CN-MOFCOM-ECWL', short: 'Export Control Watch List', name: 'Export Control Watch List', nameZh: '出口管制关注名单', issuer: 'MOFCOM', side: 'cn', kind: 'export-control', url: 'https://aqygzj.mofcom.gov.cn/flzc/gzjgfxwj/index.html' }),
  L({ code: 'CN-CM', short: 'Countermeasures', name: 'Countermeasures (Anti-Foreign Sanctions Law)', nameZh: '反制措施', issuer: 'MFA / MOFCOM', side: 'cn', kind: 'countermeasures', url: 'https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/' }),
  L({ code: 'CN-TAO', short: 'TAO list', name: 'Taiwan Affairs Office lists', nameZh: '台湾事务办公室清单', issuer: 'TAO', side: 'cn', kind: 'countermeasures', url: 'https://www.gwytb.gov.cn/zccs/zccs_61195/cjtdwgfz/' }),
]);

export function listInfo(code: ListCode): ListInfo {
  const info = LISTS.get(code);
  if (!info) throw new Error(`unknown list code ${code}`);
  return info;
}

export function isListCode(value: string): value is ListCode {
  return (LIST_CODES as readonly string[]).includes(value);
}
