/**
 * How much a shared name says about two records being one party. A full legal name says much; a short
 * alias made of a place and one word ("China Unicom", "China Telecom") says little: group companies,
 * parents and subsidiaries all carry it. Words are the identifying tokens of the name index (legal forms
 * and filler already dropped); places and trade words ("Zhejiang", "Technology") are generic.
 */
import { coverageFactor } from './generic-words';

export interface IndexedName {
  /** Identifying tokens, space-separated (names.tokens). */
  tokens: string;
  /** The tokens written together (names.compact). */
  compact: string;
  /** Chinese-script name (tokens are character pairs). */
  han: boolean;
}

/** The words of a Latin name that are neither places nor trade words. */
export function distinctiveWords(name: IndexedName): string[] {
  if (name.han) return [];
  return words(name).filter((t) => coverageFactor(t) === 1);
}

/**
 * The distinctive core of a primary name: what is left without places, trade words and legal forms
 * ("Zhejiang Dahua Technology Co., Ltd." -> "dahua", "Dahua Technology" -> "dahua", "DJI" -> "dji").
 */
export function coreKey(name: IndexedName): string | undefined {
  const core = distinctiveWords(name);
  return core.length ? core.join(' ') : undefined;
}

/**
 * The record's own short name: an alias that is exactly the distinctive core of its primary name, which
 * says more besides ("Dahua" beside "Zhejiang Dahua Technology Co., Ltd.", as the 1260H sheet writes
 * "(Dahua)" after the full name). A brand the record shares with its group ("Brandco" beside "Brandco
 * Subsidiary Ltd.") is not: "Subsidiary" is a distinctive word the alias leaves out.
 */
export function isOwnShortName(alias: IndexedName, primary: IndexedName): boolean {
  if (alias.han || primary.han) return false;
  const core = coreKey(primary);
  return core !== undefined && words(alias).join(' ') === core && words(primary).length > words(alias).length;
}

/**
 * Whether an alias may join its record to the party another source names so (its primary name): two words
 * at least, not all places ("Russian Helicopters", "Shenyang Aircraft"), or four Chinese characters. That
 * the other source names a party so, and no other, is what makes it specific.
 */
export function aliasNamingAPrimary(name: IndexedName): boolean {
  if (name.han) return name.compact.length >= 4;
  return words(name).length >= 2 && words(name).some((t) => coverageFactor(t) > 0.25);
}

/**
 * Whether an alias that no record bears as its primary name may join the records that share it: two words
 * that are not places, one of them distinctive or three in all ("Sernia Engineering", "Russian Quantum
 * Center"; not "China Unicom", "China Telecom"), or six Chinese characters (four are a place and a brand:
 * 中国电信).
 */
export function specificSharedAlias(name: IndexedName): boolean {
  if (name.han) return name.compact.length >= 6;
  const named = words(name).filter((t) => coverageFactor(t) > 0.25);
  return named.length >= 2 && (named.length >= 3 || distinctiveWords(name).length >= 1);
}

function words(name: IndexedName): string[] {
  return name.tokens.split(' ').filter(Boolean);
}
