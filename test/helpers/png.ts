/** Read a PNG back for tests: signature, IHDR (8-bit RGB), IDAT inflated into filter-0 rows, IEND last. */
import { inflateSync } from 'node:zlib';
import { expect } from 'vitest';

/** A PNG's size and rows, read back: signature, IHDR, the IDAT data inflated. */
export function decodePng(png: Buffer): { width: number; height: number; rows: Buffer[] } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('ascii', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    types.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8, 13)]).toEqual([8, 2, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3 + 1;
  expect(raw.length).toBe(stride * height);
  const rows = Array.from({ length: height }, (_, y) => {
    expect(raw[y * stride]).toBe(0);
    return raw.subarray(y * stride + 1, (y + 1) * stride);
  });
  return { width, height, rows };
}

/** The RGB of a pixel of decoded rows. */
export function pixel(rows: Buffer[], x: number, y: number): [number, number, number] {
  const r = rows[y]!;
  return [r[x * 3]!, r[x * 3 + 1]!, r[x * 3 + 2]!];
}
