/**
 * cn-notices: announcements that change earlier measures rather than add targets: "自2025年5月14日起，
 * 暂停4月4日公告（不可靠实体清单工作机制〔2025〕7号）相关措施90天，…停止3月4日公告（…〔2025〕5号和6号）
 * 相关措施". Each clause names the earlier notices by 文号 (or by date), the action and, for suspensions,
 * how long; the parser resolves them against the notices of the same folder.
 */
import { isoDate } from '../common';

export interface Modification {
  action: 'suspend' | 'stop' | 'resume';
  /** Canonical references of the notices concerned (UEL:2025:7, MOFCOM:2025:13). */
  refs: string[];
  /** Publication dates of the notices concerned when the clause names them by date only (4月4日公告). */
  dateRefs: string[];
  /** When the change applies from (自…起), else the date of the announcement. */
  start?: string;
  /** End of the suspension, when the clause says how long. */
  until?: string;
  /** The clause as printed. */
  clause: string;
}

const HAN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

function amount(text: string): number | undefined {
  if (/^\d+$/.test(text)) return +text;
  if (text === '半') return 0.5;
  if (text === '十') return 10;
  const m = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(text);
  if (m) return (m[1] ? HAN_DIGITS[m[1]]! : 1) * 10 + (m[2] ? HAN_DIGITS[m[2]]! : 0);
  return HAN_DIGITS[text];
}

function addTo(date: string, n: number, unit: string): string | undefined {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  if (unit === '天' || unit === '日') t.setUTCDate(t.getUTCDate() + n);
  else if (unit === '年' && Number.isInteger(n)) t.setUTCFullYear(t.getUTCFullYear() + n);
  else {
    const months = unit === '年' ? n * 12 : n;
    t.setUTCMonth(t.getUTCMonth() + months);
  }
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString().slice(0, 10);
}

const CLAUSE =
  /(继续)?(暂停|停止|取消|终止|解除|恢复)(?:实施|执行|采取)?([^，；。]*?)(?:相关|有关)?(?:处理|管控)?措施(?:(\d+|[一二两三四五六七八九十半]+)(?:个)?(天|日|月|年))?/g;

export function readModifications(s: string, published: string | undefined): Modification[] {
  const flat = s.replace(/\n+/g, '');
  const out: Modification[] = [];
  for (const sentence of flat.split('。')) {
    const from = /自(\d{4}年\d{1,2}月\d{1,2}日)起/.exec(sentence);
    const start = isoDate(from?.[1]) ?? published;
    for (const m of sentence.matchAll(CLAUSE)) {
      const middle = m[3]!;
      const refs: string[] = [];
      for (const r of middle.matchAll(/(不可靠实体清单工作机制(?:公告)?)?〔(\d{4})〕(\d+)号((?:[和、及与]\d+号)*)/g)) {
        const series = r[1] || /不可靠实体清单/.test(sentence) ? 'UEL' : '〔〕';
        for (const n of [r[3]!, ...(r[4]!.match(/\d+/g) ?? [])]) refs.push(`${series}:${r[2]}:${+n}`);
      }
      for (const r of middle.matchAll(/商务部(?:公告)?(\d{4})年第(\d+)号/g)) refs.push(`MOFCOM:${r[1]}:${+r[2]!}`);
      const dateRefs: string[] = [];
      if (!refs.length) {
        for (const r of middle.matchAll(/(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:发布的?)?公告/g)) {
          let year = r[1] ? +r[1] : +(start ?? published ?? '0').slice(0, 4);
          let iso = isoDate(`${year}年${r[2]}月${r[3]}日`);
          if (iso && published && iso > published && !r[1]) {
            year -= 1;
            iso = isoDate(`${year}年${r[2]}月${r[3]}日`);
          }
          if (iso) dateRefs.push(iso);
        }
      }
      if (!refs.length && !dateRefs.length) continue;
      const verb = m[2]!;
      const action: Modification['action'] = verb === '暂停' ? 'suspend' : verb === '恢复' ? 'resume' : 'stop';
      let until: string | undefined;
      if (action === 'suspend' && m[4] && m[5] && start) {
        const n = amount(m[4]);
        if (n !== undefined) until = addTo(start, n, m[5]);
      }
      out.push({ action, refs, dateRefs, start, until, clause: m[0] });
    }
  }
  return out;
}
