/**
 * A small ZIP reader (what an XLSX file is), over node:zlib: the central directory, then each wanted entry,
 * stored or deflated. No ZIP64, no encryption, no multi-disk archives (a spreadsheet export has none). Every
 * entry is inflated with a cap on its output, so that a small file that would inflate to gigabytes (a "zip
 * bomb") is refused instead of filling memory.
 */
import { inflateRawSync } from 'node:zlib';
import { ScreenError } from './errors';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  flags: number;
}

/** Does this look like a ZIP archive (local file header magic "PK\x03\x04")? */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The entries of the archive's central directory; a ScreenError when it is not a readable ZIP. */
export function zipEntries(buf: Buffer): Map<string, ZipEntry> {
  // The end-of-central-directory record is in the last 22 + 65,535 (comment) bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ScreenError('not a readable XLSX: the ZIP directory is missing (the file is cut short or is not an XLSX)');
  const count = buf.readUInt16LE(eocd + 10);
  const dirOffset = buf.readUInt32LE(eocd + 16);
  if (dirOffset === 0xffffffff || count === 0xffff) throw new ScreenError('not a readable XLSX: ZIP64 archives are not supported (save the sheet again, or as CSV)');
  const entries = new Map<string, ZipEntry>();
  let p = dirOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new ScreenError('not a readable XLSX: the ZIP directory is damaged');
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    entries.set(name, {
      name,
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One entry's bytes, inflated; never more than `maxBytes` (a ScreenError beyond). */
export function zipRead(buf: Buffer, entry: ZipEntry, maxBytes: number): Buffer {
  if (entry.flags & 0x1) throw new ScreenError(`not a readable XLSX: ${entry.name} is encrypted (remove the password, or save as CSV)`);
  const p = entry.localOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL) throw new ScreenError(`not a readable XLSX: the ZIP entry ${entry.name} is damaged`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (data.length < entry.compressedSize) throw new ScreenError(`not a readable XLSX: the ZIP entry ${entry.name} is cut short`);
  if (entry.size > maxBytes) throw new ScreenError(`not screened: ${entry.name} inflates to ${entry.size} bytes, more than the ${maxBytes} allowed`);
  if (entry.method === 0) return data;
  if (entry.method !== 8) throw new ScreenError(`not a readable XLSX: ${entry.name} uses ZIP compression method ${entry.method} (only stored and deflated are read)`);
  try {
    return inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new ScreenError(`not screened: ${entry.name} inflates to more than the ${maxBytes} bytes allowed`);
    throw new ScreenError(`not a readable XLSX: ${entry.name} does not inflate (${(err as Error).message})`);
  }
}
