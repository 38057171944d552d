/**
 * The word lists the message extractor (extract.ts) judges candidates with: words that are not names when they
 * stand alone or open a sentence (function words, greetings, months, chat verbs), words that join the parts of
 * one name ("Bank of China"), and the Chinese suffixes that end an organisation's name and the particles and
 * verbs that start one. Written naturally and folded to lower case at load.
 */

const words = (text: string): Set<string> => new Set(text.split(/\s+/).filter(Boolean).map((w) => w.toLowerCase()));

/** Not a name on its own, and dropped from the start of a capitalised run ("Please", "Yesterday", "Dear"). */
export const STOP_WORDS = words(`
a an the this that these those there here it its it's i i'm i've i'd me my we we're our ours us you your yours
he she him her his they them their what which who whom whose why how when where whether
and or but nor if so then than because as at by for from in into of on onto to with without within via per about
above after against along among around before behind below beneath beside between beyond during except inside
near off out outside over past since through throughout till toward towards under until up upon
is are was were be been being am do does did done has have had having can could shall should will would may might
must not no yes ok okay sure also just only even still yet all any both each either every few many more most
much neither none other others same several some such own very too again already always never often once soon
hi hello hey dear thanks thank cheers regards best kind warm morning afternoon evening greetings welcome happy merry
please kindly urgent fyi re fw fwd subject cc bcc sent attached attachment note notes update updates reminder
today tomorrow yesterday tonight now later last next
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
mr mrs ms miss dr prof sir madam team all everyone folks guys
screen screening check checking checked lookup look looks looking search find see let let's lets know
following below above attached list lists sanctions sanctioned sanction entity entities name names company
companies supplier suppliers customer customers client clients vendor vendors partner partners counterparty
counterparties order orders invoice invoices payment payments shipment shipments contract contracts deal deals
question questions answer thing things someone something anyone anything nobody nothing
pay send ship call email ask tell contact confirm review approve sign buy sell hold block add remove
`);

/** Words that join the parts of one name: "Bank of China", "Procter & Gamble", "Banco de la Nación". */
export const CONNECTORS = words('of for the de del della di la le les du des da do dos das van von und y et &');

/**
 * Heads of names that go on with "of" ("Ministry of State Security", "Government of ..."), besides the trade words
 * (Bank of China, Institute of ...). Before any other word, "of" ends a name: "Zhang Wei of Acme Co." is a person
 * and a company.
 */
export const OF_HEADS = words(`
ministry government department people peoples republic commission council committee administration school college
church army navy force forces corps guard guards directorate federation union association society chamber port
authority league front party brigade brigades organization organisation foundation fund trust board agency bureau
`);

/** "and" joins only before a trade word: "Import and Export", "Science and Technology" (not "Huawei and ZTE"). */
export const AND_WORDS = words('and &');

/** Legal forms that are common words or letters too: they count only written in capitals or with dots (AS, S.A.). */
export const AMBIGUOUS_FORMS = new Set(['as', 'se', 'ab', 'pt', 'sa', 'ag', 'kg', 'oy', 'nv', 'bv', 'lp', 'est', 'private', 'public', 'a s', 'co', 'too', 'tov', 'doo']);

/** Abbreviations whose final dot does not end a sentence. */
export const ABBREVIATIONS = words('mr mrs ms dr prof st no nos jr sr bros intl mfg tech ind inc co corp ltd llc plc gmbh dept univ assn est vs etc e.g i.e u.s u.k');

/**
 * What ends a Chinese organisation's name: legal forms and institution words, longest first, simplified and
 * traditional. The name runs from the clause start (or the last particle before it) to the end of the last one.
 */
export const HAN_SUFFIXES = [
  '股份有限公司', '有限责任公司', '有限責任公司', '有限公司', '集团公司', '集團公司', '株式会社', '株式會社', '研究中心', '科学院', '科學院',
  '研究院', '研究所', '实验室', '實驗室', '事务所', '事務所', '委员会', '委員會', '公司', '集团', '集團', '大学', '大學', '学院', '學院',
  '银行', '銀行', '协会', '協會', '工厂', '工廠', '医院', '醫院',
].sort((a, b) => b.length - a.length);

/**
 * Particles and verbs that start a name in running Chinese text ("与华为技术有限公司签署", "向中兴通讯付款"): the
 * name begins after the last of them. Only words that are rare inside company names (not 为 of 华为, not 合作).
 */
export const HAN_BOUNDARIES = [
  '以及', '包括', '签署', '签订', '收到', '购买', '出售', '付款', '支付', '来自', '属于', '列入', '制裁', '客户', '供应商', '对于', '关于',
  '其中', '我们', '他们', '你们', '这家', '那家', '一家', '查询', '筛查', '核查', '检查', '是否', '已经', '还有', '及其', '旗下', '名单',
  '清单', '实体', '请查', '例如', '比如', '以下', '如下', '涉及',
  // traditional forms
  '簽署', '簽訂', '購買', '關於', '對於', '客戶', '供應商', '這家', '查詢', '還有', '以及', '並且',
  '與', '對', '從', '給', '請', '並', '并',
  '与', '和', '及', '同', '跟', '向', '对', '的', '在', '是', '被', '把', '从', '给', '请', '或', '等', '了', '由', '将',
].sort((a, b) => b.length - a.length);

/** Pairs that start with a boundary character but belong to a name: 对外 (对外贸易), 同济 (同济大学), 和平 ... */
export const HAN_NO_SPLIT = ['对外', '對外', '和平', '和谐', '和諧', '人和', '中和', '同方', '同济', '同濟', '同仁', '同心', '和记', '和記', '和硕', '和碩', '在线', '在線', '将军', '將軍', '由于'];
