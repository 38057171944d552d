/**
 * Builds the tenfold dataset for the benchmark in a process of its own (so that the measuring process's
 * heap is not the ingest's): var/bench.db copied to var/bench-10x.db, 9 synthetic variants of every record
 * written as entities-json sources and ingested with refreshSources. Prints one JSON line: what it did.
 *
 *   node bin/run.js bench/build-10x.ts FROM.db TO.db SYNTH_DIR VARIANTS
 */
import { performance } from 'node:perf_hooks';
import { openDb } from '../src/core/store/db';
import { checkpointAndCopy, loadDataset } from './lib/dataset';
import { writeSyntheticSources } from './lib/synth';

const [from, to, synthDir, variants] = process.argv.slice(2);
if (!from || !to || !synthDir || !variants) {
  process.stderr.write('usage: node bin/run.js bench/build-10x.ts FROM.db TO.db SYNTH_DIR VARIANTS\n');
  process.exit(2);
}
checkpointAndCopy(from, to);
const w0 = performance.now();
const db = openDb(from, { readonly: true });
const synth = writeSyntheticSources(db, synthDir, Number(variants));
db.close();
const writeMs = performance.now() - w0;
process.stderr.write(`bench: 10x: ingesting ${synth.items} synthetic records with refreshSources\n`);
const load = await loadDataset(to, synth.sources, (l) => process.stderr.write(`bench: 10x: ${l.trim()}\n`));
process.stdout.write(`${JSON.stringify({ items: synth.items, writeMs, ingestMs: load.ms, bad: load.bad.map((b) => `${b.source} ${b.outcome}: ${b.message ?? ''}`) })}\n`);
