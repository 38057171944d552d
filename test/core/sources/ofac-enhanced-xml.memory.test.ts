/**
 * A tenfold CONS_ENHANCED.XML (33 MB, 4,430 entities, built from the real 2025-01-10 file) parses in bounded
 * memory. Each parse runs in a child process and reports its peak RSS (getrusage maxrss).
 *
 * Bounds (measured 2026-12: stream 117 MB at 1x, 147-172 MB at 10x, 165 MB at 30x; the old fast-xml-parser
 * tree: 158 / 460 / 1,115 MB and out of memory at 10x under the cap below):
 * - the streaming parse runs with V8's old space capped at 48 MB (a whole 33 MB document as a string and an
 *   object tree cannot fit), and its peak RSS at 10x is at most 1x + 80 MB: it does not grow with the file
 *   (30x measured no higher than 10x; the slack is the young generation and the tsx loader).
 * - the parse refresh runs (the document as one Buffer, every record returned) grows by at most 5 bytes of RSS
 *   per byte of extra input from 1x to 10x (measured 3.6; the old tree parser 10.2).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNfold } from '../../../bench/lib/ofac-xml';
import { rawPath, REPO_ROOT } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

const CONS_XML = rawPath('ofac_consolidated_non_sdn/2025-01-10_enhanced_xml/CONS_ENHANCED.XML');
const MB = 2 ** 20;

interface Measure {
  records: number;
  peakRssMB: number;
}

function measure(file: string, mode: 'stream' | 'parse', heapCapMB?: number): Measure {
  const flags = heapCapMB ? [`--max-old-space-size=${heapCapMB}`] : [];
  const out = execFileSync(process.execPath, [...flags, 'bin/run.js', 'bench/ofac-xml-child.ts', file, mode], { cwd: REPO_ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measure;
}

describe('ofac-enhanced-xml memory on a tenfold CONS_ENHANCED.XML', () => {
  const dir = tempDir('ofac-xml-mem-');
  const one = join(dir, 'CONS_ENHANCED-1x.XML');
  const ten = join(dir, 'CONS_ENHANCED-10x.XML');
  let bytes1 = 0;
  let bytes10 = 0;
  beforeAll(() => {
    bytes1 = writeNfold(CONS_XML, one, 1);
    bytes10 = writeNfold(CONS_XML, ten, 10);
  });

  it('streams 10x within 1x + 80 MB of peak RSS, with a 48 MB V8 heap cap', () => {
    expect(bytes10).toBeGreaterThan(30 * MB);
    const a = measure(one, 'stream', 48);
    const b = measure(ten, 'stream', 48);
    expect(a.records).toBe(443);
    expect(b.records).toBe(4430);
    expect(b.peakRssMB).toBeLessThanOrEqual(a.peakRssMB + 80);
  }, 180_000);

  it('the full parse (Buffer in, records out) grows by at most 5 bytes of RSS per extra input byte', () => {
    const a = measure(one, 'parse');
    const b = measure(ten, 'parse');
    expect(b.records).toBe(4430);
    const perByte = ((b.peakRssMB - a.peakRssMB) * MB) / (bytes10 - bytes1);
    expect(perByte).toBeLessThanOrEqual(5);
  }, 180_000);
});
