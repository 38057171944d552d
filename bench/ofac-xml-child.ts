/**
 * One measured parse of an OFAC Enhanced XML file, in a process of its own; prints one JSON line with the
 * peak RSS (getrusage maxrss) and the records read.
 *
 *   node bin/run.js bench/ofac-xml-child.ts FILE stream|parse
 *
 * stream: streamOfacXml over the file in 1 MB chunks, each record counted and dropped (the parser's own memory).
 * parse:  what refresh does: the whole file as one Buffer (as fetch hands it over) through parseOfacEnhancedXml,
 *         every record kept in the returned array.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { SourceConfig } from '../src/core/sources/config';
import { parseOfacEnhancedXml, streamOfacXml } from '../src/core/sources/ofac-enhanced-xml';
import { fileChunks } from '../src/core/sources/xml-stream';

const [file, mode] = process.argv.slice(2);
if (!file || (mode !== 'stream' && mode !== 'parse')) {
  process.stderr.write('usage: node bin/run.js bench/ofac-xml-child.ts FILE stream|parse\n');
  process.exit(2);
}
const baseRssMB = process.memoryUsage().rss / 2 ** 20;
const t0 = performance.now();
let records = 0;
if (mode === 'stream') {
  streamOfacXml(fileChunks(file), file, undefined, () => records++);
} else {
  const source = { id: 'bench', format: 'ofac-enhanced-xml', location: file } as SourceConfig;
  records = parseOfacEnhancedXml({ source, documents: [{ name: file, body: readFileSync(file) }], extras: {} }).length;
}
const ms = performance.now() - t0;
const peakRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ mode, records, ms: Math.round(ms), baseRssMB: Math.round(baseRssMB), peakRssMB: Math.round(peakRssMB) })}\n`);
