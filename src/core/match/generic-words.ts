/**
 * Words that say little about which party a name means: places (countries, Chinese provinces and cities,
 * other common seats) and trade words. A name whose only words the query leaves out are of this kind
 * ("Zhejiang Dahua Technology" for the query "Dahua") is still that party; a name with another
 * distinctive word left out ("Oriental Apple" for "Apple") is only worth a review.
 */
import { CHINESE_PLACE_WORDS, CHINESE_TRADE_WORDS, CHINESE_VOCABULARY_MAX_LENGTH } from './chinese-vocabulary';
import { WORLD_PLACES } from './place-words';
import { normalizeName } from './text';

const PLACES = `
beijing shanghai tianjin chongqing shenzhen guangzhou hangzhou zhejiang jiangsu sichuan chengdu xian xi an wuhan hubei
hunan changsha nanjing suzhou hefei anhui shandong qingdao guangdong fujian xiamen henan hebei liaoning dalian shenyang
harbin heilongjiang jilin changchun shaanxi shanxi yunnan kunming guizhou guangxi xinjiang urumqi tibet inner mongolia
hong kong hk macau macao taiwan taipei zhuhai dongguan ningbo wuxi changzhou zhengzhou jinan nanchang jiangxi hainan
gansu lanzhou ningxia qinghai foshan huizhou zhongshan shijiazhuang taiyuan hohhot nanning fuzhou xiamen guiyang
mianyang baotou luoyang yantai weihai zibo nantong kunshan
moscow st petersburg saint tehran dubai sharjah abu dhabi istanbul ankara singapore kuala lumpur karachi lahore
islamabad minsk damascus pyongyang caracas havana almaty tashkent yerevan baku tbilisi riga vilnius tallinn
zhongguo zhonghua china chinese prc peoples republic russia russian federation iran iranian islamic korea north democratic people
syria syrian belarus venezuela cuba myanmar burma uae emirates united arab turkey pakistan india hongkong shenzen
asia asian europe european america american pacific eastern western northern southern east west north south
`;

const TRADE = `
technology technologies tech technical industry industries industrial group holdings holding international intl
trading trade traders electronics electronic engineering systems system services service solutions materials
development science sciences scientific research institute university academy equipment machinery machine machines
manufacturing manufacture products product import export investment investments energy aviation aerospace shipping
logistics communications communication information network networks software digital intelligent intelligence
precision instruments instrument optical optics heavy general national state global world new first united central
enterprise enterprises commercial commerce business industrial supply supplies import imports exports resources
global general construction transport transportation marine maritime petroleum oil gas chemical chemicals
pharmaceutical medical bio biotech biotechnology agency bureau office center centre branch factory plant works
company partners partnership associates consulting management ventures capital finance financial bank
defense defence security aeronautical aeronautics space missiles missile dynamics armaments armament ordnance
weapons arms military shipbuilding naval electric power robotics unmanned satellite satellites photonics land sea
air integrated advanced applied innovation innovations smart labs laboratory laboratories studio media
computer computers computing devices device components hardware telecom telecommunications wireless mobile
automotive motors motor vehicles auto drones drone uav sales marketing distribution distributor distributors
subsidiary division operations representative worldwide brands
keji jishu kexue gongye dianzi xinxi tongxin tongxun zhineng guoji konggu touzi maoyi shiye chanye gongcheng
yanjiu yanjiusuo yanjiuyuan daxue xueyuan zhongxin fazhan kaifa zhizao shebei jixie hangkong hangtian chuanbo
nengyuan huagong yiqi guangdian wuliu fuwu guanli zixun shengwu yiyao ruanjian wangluo shuzi dianqi zidonghua
kongzhi chuangxin jingmi cailiao zhuangbei
agricultural agriculture farming savings insurance credit loan trust securities automobile automobiles cars
foods food beverage beverages dairy brewery textile textiles apparel garments sports home appliances retail
stores entertainment music health healthcare coffee restaurant restaurants hotel hotels airlines airline
`;

const GENERIC_PLACES = new Set(normalizeName(`${PLACES} ${WORLD_PLACES}`).split(' ').filter(Boolean));
const GENERIC_TRADE = new Set(normalizeName(TRADE).split(' ').filter(Boolean));

/**
 * How much of its rarity a name word keeps when measuring how much of the name a query covers. A query
 * written as a full legal name ("Mitsubishi Corporation") means that name: trade words left out of it
 * then count in full ("Mitsubishi Materials Corporation" is another company).
 */
export function coverageFactor(token: string, fullLegalName = false): number {
  if (GENERIC_PLACES.has(token)) return 0.25;
  if (GENERIC_TRADE.has(token)) return fullLegalName ? 1 : 0.5;
  return 1;
}

/**
 * What a query word no candidate name explains costs the match, as a share of its weight, once some
 * distinctive word of the query did match: a place ("Huawei Germany") costs little, a trade or business
 * word ("Sugon Computers", "DJI Innovations") a little more, any other word all of its weight.
 */
export const UNEXPLAINED_COST = { place: 0.1, trade: 0.2, other: 1 } as const;

export function isPlaceWord(token: string): boolean {
  return GENERIC_PLACES.has(token);
}

export function unexplainedCost(token: string): number {
  if (GENERIC_PLACES.has(token)) return UNEXPLAINED_COST.place;
  if (GENERIC_TRADE.has(token)) return UNEXPLAINED_COST.trade;
  return UNEXPLAINED_COST.other;
}

/**
 * The same cost for each character of a (simplified) Han text: characters of a place word of the Chinese
 * vocabulary (深圳市, 上海, 加拿大, 韩国) cost like a Latin place, those of a company or institution word
 * (科技, 技术, 大学, 研究所) like a trade word; the longest word wins at each position.
 */
export function hanCharCosts(text: string): number[] {
  const chars = Array.from(text);
  const costs = new Array<number>(chars.length).fill(UNEXPLAINED_COST.other);
  for (let i = 0; i < chars.length; ) {
    let matched = 0;
    for (let len = Math.min(CHINESE_VOCABULARY_MAX_LENGTH, chars.length - i); len >= 2; len--) {
      const word = chars.slice(i, i + len).join('');
      const cost = CHINESE_PLACE_WORDS.has(word) ? UNEXPLAINED_COST.place : CHINESE_TRADE_WORDS.has(word) ? UNEXPLAINED_COST.trade : undefined;
      if (cost !== undefined) {
        for (let k = i; k < i + len; k++) costs[k] = cost;
        matched = len;
        break;
      }
    }
    i += matched || 1;
  }
  return costs;
}
