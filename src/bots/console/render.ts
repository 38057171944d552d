/**
 * Reply -> terminal text: colours when the terminal supports them, plain text when piped.
 */
import type { Block, Reply } from '../../core/commands/reply';
import { listInfo } from '../../core/lists';
import { sincePhrase } from '../../core/designation-dates';
import { ACTION_WORDS, alertDates, typeWord, type AlertFacts } from '../../core/alerts/facts';
import { handledTime } from '../../core/alerts/digest';
import { ruleText } from '../../core/designation-fr';
import { historyText } from '../../core/designation-history';
import { matchExplanation, standingText, type LookupResult } from '../../core/lookup';
import { table } from '../../cli/table';

export interface Style {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
}

const ansi = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export const COLOUR: Style = { bold: ansi('1'), dim: ansi('2'), red: ansi('31'), yellow: ansi('33'), cyan: ansi('36') };
export const PLAIN: Style = { bold: (s) => s, dim: (s) => s, red: (s) => s, yellow: (s) => s, cyan: (s) => s };

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return stream.isTTY && !env.NO_COLOR && env.TERM !== 'dumb' ? COLOUR : PLAIN;
}

/** Terminal control characters from data or queries never reach the terminal. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

export function renderReply(reply: Reply, style: Style = PLAIN): string {
  const out: string[] = [];
  if (reply.notice) out.push(style.yellow(`! ${clean(reply.notice)}`));
  for (const block of reply.blocks) out.push(renderBlock(block, style));
  return out.filter(Boolean).join('\n');
}

function renderBlock(block: Block, style: Style): string {
  switch (block.type) {
    case 'heading':
      return style.bold(clean(block.text));
    case 'text':
      return clean(block.text);
    case 'fields':
      return block.fields.map((f) => `${style.dim(`${clean(f.label)}:`)} ${clean(f.value)}`).join('\n');
    case 'table':
      return table(block.headers.map(clean), block.rows.map((r) => r.map(clean)));
    case 'party':
      return renderParty(block.party, block.band, style);
    case 'handled':
      return style.dim(`Handled by ${clean(block.name ?? block.user)} at ${handledTime(block.at)}`);
    case 'events':
      if (block.events.every((e) => e.facts)) {
        return [...block.events.map((e) => alertLineText(e, e.facts!, style)), ...(block.more > 0 ? [style.dim(`... and ${block.more} more of this kind`)] : [])].join('\n');
      }
      return [
        ...block.events.map((e) => {
          const mark = e.kind === 'added' ? style.red('+') : e.kind === 'removed' ? '-' : e.kind === 'suspended' ? style.yellow('~') : '*';
          const when = e.at.slice(0, 10);
          const extra = [e.detail.until ? `until ${String(e.detail.until)}` : '', e.detail.citation ? String(e.detail.citation) : '', (e as { watch?: string }).watch ? `watch: ${(e as { watch?: string }).watch}` : '', e.retaliation ? 'China' : '']
            .filter(Boolean)
            .join(', ');
          return `${mark} ${when} ${e.kind.padEnd(9)} ${e.list.padEnd(14)} ${clean(e.name)}${extra ? style.dim(`  (${clean(extra)})`) : ''}`;
        }),
        ...(block.more > 0 ? [style.dim(`... and ${block.more} more`)] : []),
      ].join('\n');
    case 'hint':
      return `${clean(block.text)} ${style.bold(clean(block.line))}`;
    case 'actions': {
      // Buttons have no place on a terminal: say what to type instead. Sharing is for chat channels.
      const typed = block.actions.filter((a) => a.id !== 'share' && a.id !== 'ack' && a.id !== 'page').map((a) => `${a.label.toLowerCase()}: type "${clean(a.value)}"`);
      return typed.length ? style.dim(typed.join('; ')) : '';
    }
  }
}

/** One alert line: party, type, country, list, what happened, dates, program, citation, link, issuer. */
function alertLineText(e: { list: Parameters<typeof listInfo>[0]; watch?: string }, f: AlertFacts, style: Style): string {
  const mark = f.action === 'added' || f.action === 'relisted' ? style.red('+') : f.action === 'removed' ? '-' : f.action === 'suspended' ? style.yellow('~') : '*';
  const kind = [typeWord(f.type), f.countries.join(' ')].filter(Boolean).join(', ');
  const facts = [
    f.listedAs ? `listed as ${f.listedAs}` : '',
    f.fields?.length ? `fields: ${f.fields.join(', ')}` : '',
    ...alertDates(f),
    f.programs.join(', '),
    f.citation ?? '',
    f.retaliation ? `China, ${f.issuer}` : '',
    e.watch ? `watch: ${e.watch}` : '',
  ].filter(Boolean);
  return `${mark} ${style.bold(clean(f.party))} [${clean(kind)}] ${ACTION_WORDS[f.action]} ${listInfo(e.list).short} (${e.list})${facts.length ? `  ${style.dim(clean(facts.join(' · ')))}` : ''}${f.url ? style.dim(`  ${clean(f.url)}`) : ''}  ${style.dim(`details ${f.partyId}`)}`;
}

function renderParty(p: LookupResult, band: 'match' | 'review', style: Style): string {
  const mark =
    band === 'review'
      ? style.yellow('? review')
      : p.standing === 'listed'
        ? style.red('● match')
        : style.dim(`○ ${standingText(p)}:`);
  const how = matchExplanation(p.match);
  const lines = [
    `${mark} ${style.bold(clean(p.name))}  ${style.dim(`[${p.type}${p.countries.length ? `, ${p.countries.join(' ')}` : ''}] score ${p.score.toFixed(2)}, ${how} on "${clean(p.match.name)}"  id ${p.id}`)}`,
  ];
  if (p.aliases.length) lines.push(style.dim(`  also: ${p.aliases.slice(0, 5).map(clean).join('; ')}${p.aliases.length > 5 ? `; +${p.aliases.length - 5} more` : ''}`));
  for (const d of p.designations) {
    const status = d.status === 'active' ? '' : d.status === 'suspended' ? style.yellow(` suspended${d.until ? ` until ${d.until}` : ''}`) : style.dim(` removed${d.until ? ` ${d.until}` : ''}`);
    lines.push(`  ${style.cyan(d.list.padEnd(14))} ${listInfo(d.list).short}${status}  ${sincePhrase(d) ?? 'since ?'}${d.citation ? `  ${clean(d.citation)}` : ''}${d.url ? style.dim(`  ${clean(d.url)}`) : ''}`);
    const history = historyText(d.history);
    if (history) lines.push(style.dim(`  ${' '.repeat(14)} ${clean(history)}`));
    const rule = ruleText(d);
    if (rule) lines.push(style.dim(`  ${' '.repeat(14)} ${clean(rule)}`));
  }
  return lines.join('\n');
}
