/**
 * Identifiers as evidence about parties: which ones join records that share a value (a USCC, a registration
 * or IMO number, an ISIN...), and which ones an entity has only one of per issuing country, so that two
 * different values say "two parties" (two USCCs, two registration numbers, two SWIFT codes).
 */

export interface Identifier {
  type: string;
  value: string;
  country?: string;
}

/** Identifier types that say nothing about identity (dates, gender, sanctions flags...). */
const WEAK = /date|gender|nationality|citizen|title|position|birth|established|effective|listing|divestment|target type|sanctions|vessel type|flag|tonnage|email|phone|dob|pob/i;

/**
 * Types an entity holds one value of (per issuing country): a company has one USCC, one registration
 * number, one tax number, one LEI. Not passports or ISINs, of which one party may hold several.
 */
const EXCLUSIVE = /unified social credit|uscc|registration|tax id|legal entity|company number|c\.r\. no|v\.a\.t|\bvat\b|wikidata|\bimo\b|mmsi|swift|\bbik\b|ogrn|\binn\b/i;

function compactValue(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function compactType(type: string): string {
  return type.toLowerCase().replace(/[^a-z]/g, '');
}

/** The key under which records sharing this identifier are joined, or undefined when it is too weak to join on. */
export function joinKey(ident: Identifier): string | undefined {
  if (WEAK.test(ident.type)) return undefined;
  const value = compactValue(ident.value);
  if (value.length < 6) return undefined;
  return `${compactType(ident.type)}:${value}`;
}

/**
 * For an exclusive identifier: the slot it fills ("uscc" in CN) and its value. Two parties with different
 * values in the same slot and none in common are different parties.
 */
export function exclusiveSlot(ident: Identifier): { slot: string; value: string } | undefined {
  if (!EXCLUSIVE.test(ident.type)) return undefined;
  const value = compactValue(ident.value);
  if (value.length < 6) return undefined;
  return { slot: `${compactType(ident.type)}@${ident.country ?? ''}`, value };
}
