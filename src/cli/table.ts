/** Plain aligned tables for people reading a terminal. */
export function table(headers: string[], rows: Array<Array<string | number>>, align: Array<'l' | 'r'> = []): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  return cells
    .map((r) =>
      r
        .map((c, i) => (align[i] === 'r' ? pad(c, widths[i]!, true) : pad(c, widths[i]!, false)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Display width: CJK characters take two columns. */
export function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function pad(text: string, to: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return right ? fill + text : text + fill;
}

export function thousands(n: number): string {
  return n.toLocaleString('en-US');
}
