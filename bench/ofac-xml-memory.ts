/**
 * Peak RSS of the OFAC Enhanced XML parser on 1x, 10x and 30x copies of the real CONS_ENHANCED.XML, each parse
 * in a child process of its own (bench/ofac-xml-child.ts). Prints one JSON line per run.
 *
 *   npm run bench:ofac-xml [-- CONS_ENHANCED.XML]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeNfold } from './lib/ofac-xml';

const source = resolve(process.argv[2] ?? '../shared/data/raw/ofac_consolidated_non_sdn/2025-01-10_enhanced_xml/CONS_ENHANCED.XML');
const dir = mkdtempSync(join(tmpdir(), 'bench-ofac-xml-'));
try {
  for (const times of [1, 10, 30]) {
    const file = join(dir, `CONS_ENHANCED-${times}x.XML`);
    const bytes = writeNfold(source, file, times);
    for (const [mode, flags] of [['stream', ['--max-old-space-size=48']], ['parse', []]] as const) {
      const out = execFileSync(process.execPath, [...flags, 'bin/run.js', 'bench/ofac-xml-child.ts', file, mode], { encoding: 'utf8' });
      const result = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
      process.stdout.write(`${JSON.stringify({ times, mb: +(bytes / 2 ** 20).toFixed(1), heapCap: flags[0] ?? null, ...result })}\n`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
