/**
 * A file of names to screen, the same on every run over the same data: real listed names (primary names of
 * records in force, sampled evenly in id order, Chinese-character names among them) and clean names
 * (made-up trading companies of common words, which no list holds), shuffled together with a seeded PRNG.
 * Used by the screening tests and bench/screen.ts.
 */
import type { Db } from '../../src/core/store/db';
import { mulberry32 } from './prng';

export interface ScreenNames {
  /** Every name, in file order, with whether it came from the lists. */
  rows: Array<{ name: string; country: string; listed: boolean }>;
}

const WORDS_A = ['Bluewater', 'Maple', 'Granite', 'Foxglove', 'Harbour', 'Hazelnut', 'Willow', 'Meadow', 'Silver Birch', 'Lakeside', 'Orchard', 'Riverbend', 'Thistle', 'Cedar'];
const WORDS_B = ['Bakery', 'Textiles', 'Furniture', 'Logistics', 'Garden Supplies', 'Stationery', 'Bicycles', 'Ceramics', 'Coffee Roasters', 'Printing', 'Toys', 'Footwear'];
const SUFFIX = ['Ltd', 'GmbH', 'LLC', 'S.A.', 'B.V.', 'Pty Ltd', 'Oy', 'AB'];
const CLEAN_COUNTRIES = ['GB', 'DE', 'US', 'FR', 'NL', 'AU', 'FI', 'SE'];

export function screenNames(db: Db, options: { listed: number; clean: number; seed?: number }): ScreenNames {
  const rng = mulberry32(options.seed ?? 20261201);
  const pool = db
    .prepare<[], { value: string; country: string | null }>(
      `SELECT n.value AS value, json_extract(r.payload, '$.countries[0]') AS country
         FROM names n JOIN records r ON r.id = n.record_id
        WHERE r.removed_at IS NULL AND n.kind = 'primary' AND length(n.value) BETWEEN 3 AND 120
        ORDER BY n.id`,
    )
    .all();
  const listed: ScreenNames['rows'] = [];
  const seen = new Set<string>();
  const step = Math.max(1, Math.floor(pool.length / options.listed));
  for (let i = 0; i < pool.length && listed.length < options.listed; i += step) {
    const { value, country } = pool[i]!;
    if (seen.has(value.toLowerCase())) continue;
    seen.add(value.toLowerCase());
    listed.push({ name: value, country: country ?? '', listed: true });
  }
  const clean: ScreenNames['rows'] = [];
  for (let i = 0; clean.length < options.clean; i++) {
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
    clean.push({ name: `${pick(WORDS_A)} ${pick(WORDS_B)} ${pick(SUFFIX)}`, country: pick(CLEAN_COUNTRIES), listed: false });
  }
  const rows = [...listed, ...clean];
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return { rows };
}

/** The names as a CSV with a header (Name, Country), quoted where needed. */
export function screenCsv(names: ScreenNames): string {
  const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `Name,Country\r\n${names.rows.map((r) => `${cell(r.name)},${cell(r.country)}`).join('\r\n')}\r\n`;
}
