/**
 * A minimal XLSX writer for tests (a ZIP of the workbook, its relations, shared strings and one sheet), so that
 * the screening's XLSX reader is tested on files shaped as Excel writes them: shared strings, an inline string,
 * a number, sparse cells placed by reference, rows placed by number.
 */
import { columnLetter } from '../../src/core/screen/columns';
import { zipFiles } from '../../src/core/screen/xlsx-write';

/** A ZIP archive of the given files (deflated): the screening's own writer. */
export const zip = zipFiles;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function ref(col: number, row: number): string {
  return `${columnLetter(col)}${row}`;
}

/**
 * An XLSX with one sheet of these rows: strings go to the shared strings table, except those starting with
 * "inline:" (an inline string cell); numbers are number cells; null leaves the cell out (a sparse row).
 */
export function xlsx(rows: Array<Array<string | number | null>>, sheetName = 'Names'): Buffer {
  const shared: string[] = [];
  const index = new Map<string, number>();
  const sheetRows = rows
    .map((cells, r) => {
      const xml = cells
        .map((v, c) => {
          if (v === null) return '';
          const at = ref(c, r + 1);
          if (typeof v === 'number') return `<c r="${at}"><v>${v}</v></c>`;
          if (v.startsWith('inline:')) return `<c r="${at}" t="inlineStr"><is><t xml:space="preserve">${esc(v.slice(7))}</t></is></c>`;
          if (!index.has(v)) {
            index.set(v, shared.length);
            shared.push(v);
          }
          return `<c r="${at}" t="s"><v>${index.get(v)}</v></c>`;
        })
        .join('');
      return cells.every((v) => v === null || v === '') ? '' : `<row r="${r + 1}">${xml}</row>`;
    })
    .join('');
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return zip([
    { name: '[Content_Types].xml', data: '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
    { name: 'xl/workbook.xml', data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}" xmlns:r="${rel}"><sheets><sheet name="${esc(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    { name: 'xl/_rels/workbook.xml.rels', data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>` },
    { name: 'xl/sharedStrings.xml', data: `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${ns}" count="${shared.length}" uniqueCount="${shared.length}">${shared.map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join('')}</sst>` },
    { name: 'xl/worksheets/sheet1.xml', data: `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}"><sheetData>${sheetRows}</sheetData></worksheet>` },
  ]);
}
