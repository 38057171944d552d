/**
 * The tenfold dataset's synthetic part: N look-alike variants of every stored record, written as N
 * `entities-json` files (one per variant) and returned as source configs, so that the project's own
 * refreshSources ingests them and builds names and index exactly as for real data.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SourceConfig } from '../../src/core/sources/config';
import type { Db } from '../../src/core/store/db';
import { syntheticName } from './perturb';
import { rngFor } from './prng';

interface StoredRecord {
  source_id: string;
  key: string;
  name: string;
  type: string;
  payload: string;
}

interface Payload {
  names?: Array<{ value: string; kind: string }>;
  countries?: string[];
  designations?: Array<{ list: string }>;
}

export interface SynthItem {
  id: string;
  list: string;
  name: string;
  aliases: string[];
  type: string;
  countries: string[];
}

/** Variant `k` (1-based) of one record: the same party shape, every name a look-alike, a list it is on. */
export function variantOf(record: StoredRecord, k: number): SynthItem {
  const payload = JSON.parse(record.payload) as Payload;
  const rng = rngFor(`${record.source_id}|${record.key}|${k}`);
  const person = record.type === 'individual';
  const name = syntheticName(record.name, rng, person);
  const aliases = [
    ...new Set(
      (payload.names ?? [])
        .filter((n) => n.kind !== 'primary' && n.value !== record.name)
        .map((n) => syntheticName(n.value, rng, person))
        .filter((a) => a !== name),
    ),
  ];
  const lists = [...new Set((payload.designations ?? []).map((d) => d.list))];
  return {
    id: `syn${k}|${record.source_id}|${record.key}`,
    list: lists.length ? lists[(k - 1) % lists.length]! : 'US-OFAC-SDN',
    name,
    aliases,
    type: record.type,
    countries: payload.countries ?? [],
  };
}

/**
 * Write `variants` files of look-alikes of every record in `db` into `dir` (emptied first) and return their
 * source configs (ids bench-synth-1..N, format entities-json).
 */
export function writeSyntheticSources(db: Db, dir: string, variants = 9): { sources: SourceConfig[]; items: number } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const records = db
    .prepare<[], StoredRecord>('SELECT source_id, key, name, type, payload FROM records WHERE removed_at IS NULL ORDER BY id')
    .all();
  const sources: SourceConfig[] = [];
  let items = 0;
  for (let k = 1; k <= variants; k++) {
    const entities = records.map((r) => variantOf(r, k));
    items += entities.length;
    const location = resolve(join(dir, `variant-${k}.json`));
    writeFileSync(location, JSON.stringify({ description: `bench: synthetic variant ${k} of every stored record`, entities }));
    sources.push(
      SourceConfig.parse({
        id: `bench-synth-${k}`,
        format: 'entities-json',
        list: 'US-OFAC-SDN',
        location,
        description: `synthetic look-alikes of every stored record (variant ${k}), for the tenfold benchmark`,
      }),
    );
  }
  return { sources, items };
}
