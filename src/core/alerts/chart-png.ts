/**
 * A small grouped bar chart as a PNG, with no chart library and no platform code: an RGB raster, a 5x7 bitmap
 * font for titles, axis labels and list codes, and a PNG encoder (signature, IHDR, one zlib-deflated IDAT of
 * filter-0 scanlines, IEND, each chunk with its CRC-32). Used for the designations-per-list chart of scheduled
 * summaries; `layout` says where every bar went, so that tests (and alt texts) can check it against the data.
 */
import { deflateSync } from 'node:zlib';

export type Rgb = readonly [number, number, number];

/** A raster of RGB pixels. */
export class Raster {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 3);
    this.fill(0, 0, width, height, background);
  }

  set(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
  }

  get(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!];
  }

  fill(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.set(xx, yy, c);
  }

  /** Text in the 5x7 font, `scale` pixels per font pixel; returns the width drawn. */
  text(x: number, y: number, text: string, c: Rgb, scale = 1): number {
    let cx = x;
    for (const ch of text.toUpperCase()) {
      const rows = GLYPHS[ch] ?? GLYPHS['?']!;
      rows.forEach((bits, row) => {
        for (let col = 0; col < 5; col++) if (bits & (0x10 >> col)) this.fill(cx + col * scale, y + row * scale, scale, scale, c);
      });
      cx += 6 * scale;
    }
    return cx - x;
  }
}

/** The width of a text in the 5x7 font. */
export function textWidth(text: string, scale = 1): number {
  return [...text].length * 6 * scale;
}

// 5x7 glyphs, one number per row (top first), the high bit of five the leftmost pixel.
const GLYPHS: Record<string, number[]> = {
  ' ': [0, 0, 0, 0, 0, 0, 0],
  '0': [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e],
  '1': [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
  '2': [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f],
  '3': [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
  '4': [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02],
  '5': [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
  '6': [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e],
  '7': [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
  '8': [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e],
  '9': [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
  A: [0x0e, 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11],
  B: [0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e],
  C: [0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e],
  D: [0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c],
  E: [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f],
  F: [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10],
  G: [0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f],
  H: [0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
  I: [0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e],
  J: [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c],
  K: [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
  L: [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f],
  M: [0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11],
  N: [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
  O: [0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
  P: [0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10],
  Q: [0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d],
  R: [0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11],
  S: [0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e],
  T: [0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
  U: [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
  V: [0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04],
  W: [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a],
  X: [0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11],
  Y: [0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04],
  Z: [0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f],
  '-': [0, 0, 0, 0x1f, 0, 0, 0],
  ':': [0, 0x0c, 0x0c, 0, 0x0c, 0x0c, 0],
  '/': [0, 0x01, 0x02, 0x04, 0x08, 0x10, 0],
  '.': [0, 0, 0, 0, 0, 0x0c, 0x0c],
  ',': [0, 0, 0, 0, 0x0c, 0x04, 0x08],
  '(': [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02],
  ')': [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08],
  '+': [0, 0x04, 0x04, 0x1f, 0x04, 0x04, 0],
  '?': [0x0e, 0x11, 0x01, 0x02, 0x04, 0, 0x04],
};

// ------------------------------------------------------------------------------------------------ PNG

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as PNG uses it). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The raster as a PNG file: 8-bit RGB, no interlace, every scanline with filter 0. */
export function encodePng(r: Raster): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(r.width, 0);
  ihdr.writeUInt32BE(r.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const stride = r.width * 3;
  const raw = Buffer.alloc((stride + 1) * r.height);
  for (let y = 0; y < r.height; y++) {
    raw[y * (stride + 1)] = 0;
    Buffer.from(r.data.buffer, r.data.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

// ------------------------------------------------------------------------------------------------ bar chart

export interface BarSeries {
  /** The legend's label (a list code). */
  label: string;
  /** One value per category. */
  values: number[];
}

export interface BarChart {
  title: string;
  /** The groups along the x axis (ISO weeks), oldest first. */
  categories: string[];
  series: BarSeries[];
  width?: number;
  height?: number;
}

export interface BarPlaced {
  series: number;
  category: number;
  value: number;
  /** Where the bar was drawn: its left, top, width and height in pixels (height 0 for a zero). */
  x: number;
  y: number;
  w: number;
  h: number;
  color: Rgb;
}

export interface ChartLayout {
  width: number;
  height: number;
  /** The plot area: bars stand on its bottom edge (y + h). */
  plot: { x: number; y: number; w: number; h: number };
  /** The value of the top of the y axis. */
  max: number;
  bars: BarPlaced[];
}

/** Colours told apart by most people, colour-blind ones included (Okabe-Ito, then greys). */
export const PALETTE: Rgb[] = [
  [0, 114, 178],
  [230, 159, 0],
  [0, 158, 115],
  [204, 121, 167],
  [86, 180, 233],
  [213, 94, 0],
  [240, 228, 66],
  [120, 120, 120],
];
const INK: Rgb = [33, 33, 33];
const GRID: Rgb = [225, 225, 225];
const AXIS: Rgb = [120, 120, 120];

/** A round top for the y axis: 1, 2, 5 times a power of ten, at least `max` (and at least 1). */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Draw a grouped bar chart: title, y axis with grid lines, one group of bars per category, legend at the right. */
export function renderBarChart(chart: BarChart): { png: Buffer; layout: ChartLayout; raster: Raster } {
  const width = chart.width ?? 720;
  const height = chart.height ?? 360;
  const r = new Raster(width, height);
  const legendW = Math.max(60, ...chart.series.map((s) => textWidth(s.label) + 22)) + 10;
  const max = niceMax(Math.max(0, ...chart.series.flatMap((s) => s.values)));
  const yLabelW = textWidth(String(max)) + 10;
  const plot = { x: yLabelW + 6, y: 30, w: width - yLabelW - 6 - legendW - 10, h: height - 30 - 26 };
  r.text(Math.max(4, Math.floor((width - textWidth(chart.title)) / 2)), 10, chart.title, INK);
  // Grid lines and y labels at 0, 1/4 .. max.
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = plot.y + plot.h - Math.round((plot.h * i) / 4);
    r.fill(plot.x, y, plot.w, 1, i === 0 ? AXIS : GRID);
    const label = Number.isInteger(v) ? String(v) : v.toFixed(1);
    r.text(plot.x - 6 - textWidth(label), y - 3, label, INK);
  }
  r.fill(plot.x, plot.y, 1, plot.h + 1, AXIS);
  const bars: BarPlaced[] = [];
  const groups = Math.max(1, chart.categories.length);
  const groupW = plot.w / groups;
  const n = Math.max(1, chart.series.length);
  const barW = Math.max(1, Math.floor((groupW - 6) / n));
  chart.categories.forEach((cat, ci) => {
    const gx = plot.x + Math.round(ci * groupW) + Math.floor((groupW - barW * n) / 2);
    chart.series.forEach((s, si) => {
      const value = s.values[ci] ?? 0;
      const h = Math.round((value / max) * plot.h);
      const x = gx + si * barW;
      const y = plot.y + plot.h - h;
      const color = PALETTE[si % PALETTE.length]!;
      // Bars stand on the axis line (drawn over it), leaving a pixel between neighbours when there is room.
      r.fill(x, y, barW > 2 ? barW - 1 : barW, h, color);
      bars.push({ series: si, category: ci, value, x, y, w: barW > 2 ? barW - 1 : barW, h, color });
    });
    const cx = plot.x + Math.round(ci * groupW + groupW / 2);
    r.text(cx - Math.floor(textWidth(cat) / 2), plot.y + plot.h + 8, cat, INK);
  });
  // Legend: a swatch and the label of each series.
  const lx = plot.x + plot.w + 14;
  chart.series.forEach((s, si) => {
    const ly = plot.y + si * 14;
    r.fill(lx, ly, 9, 9, PALETTE[si % PALETTE.length]!);
    r.text(lx + 14, ly + 1, s.label, INK);
  });
  return { png: encodePng(r), layout: { width, height, plot, max, bars }, raster: r };
}
