/**
 * `ofac-enhanced-xml`: OFAC's SDN / CONS Enhanced XML (root `sanctionsData`, namespace
 * https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML).
 *
 * Per entity: key = the OFAC entity id (the ent_num of the legacy CSV, stable); one designation per list named
 * in `sanctionsLists` ("SDN List", "Non-SDN CMIC List", "Sectoral Sanctions Identifications List", ... — the
 * umbrella "Consolidated List" every entity of CONS carries is not a list of its own); `since` = the CMIC
 * Listing Date feature for CMIC, else the list entry's `datePublished`. Programs, legal authorities (citation)
 * and sanctions types (notes) are shared out between an entity's lists where the program says which list it
 * belongs to (UKRAINE-EO13662 -> SSI, CMIC-EO13959 -> CMIC, ...). Names: the primary name and every alias
 * (A.K.A. -> alias, F.K.A. -> former, N.K.A. -> alias, low-quality A.K.A. -> weak), each with every
 * translation: Chinese Simplified / Traditional become script 'han' with lang zh-Hans / zh-Hant. Identity
 * documents and the Equity Ticker / ISIN / SWIFT/BIC features become identifiers; addresses become text and
 * country codes; the remaining features and relationships are kept as remarks.
 *
 * The old `sdnList` XML (SDN.XML / consolidated.xml, tempuri.org namespace) is read too, since it is cheap:
 * its list is the config's `list`, else as for ofac-csv (consolidated file by name -> lists from programs).
 * `lists` in the config keeps only those lists (current.json keeps the six non-SDN lists of CONS).
 *
 * Read as a stream (xml-stream.ts: saxes over 1 MB chunks, one entity subtree at a time, never a document
 * string or tree); each record is validated with zod as it is read, the error naming the file and entity id.
 * The mapping of one subtree lives in ofac-xml-parts/ (enhanced.ts, sdn-list.ts; node.ts reads subtrees).
 */
import type { ListCode } from '../lists';
import { SourceRecord, type SourceRecordInput } from '../model';
import { finalizeRecords, keepLists } from './common';
import { formatZodIssues } from './config';
import { isConsolidatedName, listsOfPrograms } from './ofac-csv';
import { enhancedRecord } from './ofac-xml-parts/enhanced';
import { sdnListRecord } from './ofac-xml-parts/sdn-list';
import { ParseError, type FetchedDocument, type Parser } from './types';
import { bufferChunks, streamXml } from './xml-stream';

export { listOfEnhancedName } from './ofac-xml-parts/enhanced';

export const ENHANCED_XML_NAMESPACE = 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML';

/** Elements that repeat: always arrays, so that a single item does not turn into an object. */
const REPEATED = new Set([
  'entity',
  'sanctionsList',
  'sanctionsProgram',
  'sanctionsType',
  'legalAuthority',
  'name',
  'translation',
  'namePart',
  'address',
  'addressPart',
  'feature',
  'identityDocument',
  'relationship',
  // the old sdnList format
  'sdnEntry',
  'program',
  'aka',
  'id',
  'nationality',
  'citizenship',
  'dateOfBirthItem',
  'placeOfBirthItem',
]);

// ---------------------------------------------------------------------------------------------------------

const WHAT = 'an OFAC Enhanced XML file';

type Fixed = ListCode | undefined;

/** Each record validated as it comes: an error names the file and the entity. */
function validated(input: SourceRecordInput, where: string): SourceRecordInput {
  const parsed = SourceRecord.safeParse(input);
  if (!parsed.success) throw new ParseError(`${where}: entity ${input.key} "${input.name}": ${formatZodIssues(parsed.error)}`);
  return input;
}

/**
 * Stream one OFAC XML document (Enhanced `sanctionsData` or old `sdnList`), calling `onRecord` with each
 * entity's record, validated. Memory: one entity's subtree at a time, plus the caller's records.
 */
export function streamOfacXml(chunks: Iterable<Buffer>, where: string, fixed: Fixed, onRecord: (r: SourceRecordInput) => void): void {
  let kind: 'enhanced' | 'sdnList' | undefined;
  let hasEntities = false;
  let sdnListOf: (programs: string[]) => ListCode[] = () => ['US-OFAC-SDN'];
  streamXml(chunks, {
    where,
    what: WHAT,
    repeated: REPEATED,
    onRoot(name, attributes) {
      if (name === 'sanctionsData') {
        const ns = attributes.xmlns;
        if (ns && ns !== ENHANCED_XML_NAMESPACE) {
          throw new ParseError(`${where}: <sanctionsData> in namespace ${ns}, not the OFAC Enhanced XML namespace ${ENHANCED_XML_NAMESPACE}`);
        }
        kind = 'enhanced';
      } else if (name === 'sdnList') {
        kind = 'sdnList';
        sdnListOf = fixed ? () => [fixed] : isConsolidatedName(where) ? listsOfPrograms : () => ['US-OFAC-SDN'];
      } else {
        throw new ParseError(`${where}: not ${WHAT}: the root element is <${name}>, expected <sanctionsData> (or the old <sdnList>)`);
      }
    },
    onOpen(name, path) {
      if (name === 'entities' && path.length === 1) hasEntities = true;
    },
    collect(name, path) {
      if (kind === 'enhanced') return name === 'entity' && path.length === 2 && path[1] === 'entities';
      return name === 'sdnEntry' && path.length === 1;
    },
    onElement(_name, node) {
      onRecord(validated(kind === 'enhanced' ? enhancedRecord(node, where, fixed) : sdnListRecord(node, where, sdnListOf), where));
    },
  });
  if (kind === 'enhanced' && !hasEntities) throw new ParseError(`${where}: <sanctionsData> has no <entities>`);
}

function recordsOf(doc: FetchedDocument, input: Parameters<Parser>[0]): SourceRecord[] {
  const raw: SourceRecordInput[] = [];
  streamOfacXml(bufferChunks(doc.body), doc.name, input.source.list, (r) => raw.push(r));
  return finalizeRecords(raw, doc.name);
}

export const parseOfacEnhancedXml: Parser = (input) => {
  if (!input.documents.length) throw new ParseError(`${input.source.location}: no document to read`);
  const docs = input.documents.length > 1 ? input.documents.filter((d) => /\.xml$/i.test(d.name.split(/[?#]/)[0] ?? '')) : input.documents;
  if (!docs.length) throw new ParseError(`${input.source.location}: no .xml file among the documents`);
  const records = docs.flatMap((d) => recordsOf(d, input));
  return keepLists(docs.length > 1 ? finalizeRecords(records, input.source.location) : records, input.source.lists);
};
