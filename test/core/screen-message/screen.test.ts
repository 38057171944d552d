/**
 * Screening the names of a message (src/core/screen-message/screen.ts) on the shared current dataset: the order
 * of the lines, what each says, the scope said once, and that nothing but a real lookup can read as clear.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_LIST_DATA } from '../../../src/core/commands/handle';
import type { Reply } from '../../../src/core/commands/reply';
import { extractNames } from '../../../src/core/screen-message/extract';
import { screenedLine, screeningReply, screenMessage, screenNames, type ScreenedName } from '../../../src/core/screen-message/screen';
import { openDb } from '../../../src/core/store/db';
import { lookup } from '../../../src/core/lookup';
import { verdictOf } from '../../../src/core/screen/verdict';
import { currentDb } from '../../helpers/current';
import { tempDir } from '../../helpers/tmp';

const db = currentDb();
const dir = tempDir('sanctions-screen-');
const ctx = { db, platform: 'test', channel: 'c1', audit: false, seed: false };
const textOf = (reply: Reply): string => reply.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');

describe('screenMessage on real data', () => {
  it('puts the matches first, in the order of the message, and the clear names last', () => {
    const reply = screenMessage('Acme Widgets GmbH, Lockheed Martin Corporation, Blue Harbor Bakery LLC and SZ DJI Technology Co., Ltd.', ctx);
    const lines = textOf(reply).split('\n').filter((l) => /^(●|◐|○|⚠)/.test(l));
    expect(lines.map((l) => l.split('"')[1])).toEqual(['Lockheed Martin Corporation', 'SZ DJI Technology Co., Ltd.', 'Acme Widgets GmbH', 'Blue Harbor Bakery LLC']);
    expect(lines[0]).toMatch(/^● match {2}"Lockheed Martin Corporation" → Lockheed Martin Corporation · .*Unreliable Entity List.* · listed · exact, score 1\.00$/);
    expect(lines[1]).toMatch(/→ SZ DJI TECHNOLOGY CO\., LTD\. · Entity List, NS-CMIC, 1260H · listed · exact/);
    expect(lines[2]).toBe('○ clear  "Acme Widgets GmbH": no match');
    expect(reply.blocks[0]).toEqual({ type: 'heading', text: '4 names in this message: 2 matches, 0 to review, 2 clear' });
    // The scope once, with the oldest data's date.
    expect(textOf(reply).match(/lists searched/g)).toHaveLength(1);
    expect(textOf(reply)).toMatch(/\d+ lists searched \(US \d+, China \d+\), data as of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\./);
    expect(reply.private).toBe(true);
    expect(reply.summary).toBe('4 names screened: 2 matches, 0 to review, 2 clear');
  });

  it('gives the same verdict as file screening: a party no longer listed is for review, not a match', () => {
    const names = ['Anhui Sun Create Electronics Co., Ltd.', 'Lockheed Martin Corporation', 'Blue Harbor Bakery LLC'];
    const screened = screenNames(db, extractNames(`We are onboarding ${names[0]}, ${names[1]} and ${names[2]} as suppliers`));
    for (const n of screened.names) {
      expect(n.verdict).toBe(verdictOf(lookup(db, n.name.text, { limit: 10, review: true })));
    }
    expect(screened.names.map((n) => [n.name.text, n.verdict])).toEqual([
      [names[1], 'match'],
      [names[0], 'review'],
      [names[2], 'clear'],
    ]);
    expect(screened.names[1]!.best?.standing).toBe('delisted');
  });

  it('matches a Chinese name to its party through the Chinese vocabulary', () => {
    const [line] = textOf(screenMessage('请核查与中国电子科技集团公司的合同。', ctx)).split('\n').filter((l) => l.startsWith('●'));
    expect(line).toMatch(/"中国电子科技集团公司" → CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION \(\+\d+ more\) · .*1260H.* · listed · vocabulary/);
  });

  it('says how many names it found when it screened only the first 25', () => {
    const many = Array.from({ length: 30 }, (_, i) => `Widget${String.fromCharCode(65 + (i % 26))}${i} Holdings Ltd`).join(', ');
    const reply = screenMessage(many, ctx);
    expect(textOf(reply)).toContain('Only the first 25 of the 30 names found were screened.');
    expect(reply.blocks.at(-1)).toMatchObject({ type: 'hint', line: 'lookup <name>' });
  });

  it('refuses without list data, and from the demo seed, rather than calling anything clear', () => {
    const empty = openDb(join(dir, 'empty.db'));
    const refused = screenMessage('Acme Widgets GmbH', { ...ctx, db: empty });
    expect(refused).toMatchObject({ error: true });
    expect(textOf(refused)).toBe(NO_LIST_DATA);
    expect(textOf(screenMessage('Acme Widgets GmbH', { ...ctx, seed: true }))).toMatch(/demo seed/);
    // A database that fails is an error for the adapter to report, never an answer.
    empty.close();
    expect(() => screenMessage('Acme Widgets GmbH', { ...ctx, db: empty, seedAnswers: true })).toThrow();
  });
});

describe('the lines and their order', () => {
  const screened = screenNames(db, extractNames('Lockheed Martin Corporation'));
  const party = screened.names[0]!.best!;
  const name = (text: string, start: number) => ({ text, kind: 'legal' as const, start, end: start + text.length });

  it('orders matches, review, not screened, clear; a failed lookup is never clear', () => {
    const names: ScreenedName[] = [
      { name: name('Clear One Ltd', 0), verdict: 'clear', total: 0 },
      { name: name('Broken Co.', 20), verdict: 'error', total: 0, error: 'database is locked' },
      { name: name('Lockheed Martin Corporation', 40), verdict: 'match', best: party, total: 1 },
      { name: name('Lokheed Martin', 80), verdict: 'review', best: { ...party, score: 0.71, match: { name: 'Lockheed Martin', how: 'fuzzy' } }, total: 0 },
    ];
    const order = { match: 0, review: 1, error: 2, clear: 3 } as const;
    const sorted = [...names].sort((a, b) => order[a.verdict] - order[b.verdict]);
    const reply = screeningReply({ extraction: { names: sorted.map((n) => n.name), found: 4, capped: false, limit: 25, truncated: false }, names: sorted, scope: screened.scope, warnings: ['US-STATE-ISN: data from 2022-04-01: us-csl has not refreshed for more than 72 hours'] });
    const lines = textOf(reply).split('\n');
    expect(lines.filter((l) => /^(●|◐|○|⚠ not)/.test(l)).map((l) => l.split('  ')[0])).toEqual(['● match', '◐ review', '⚠ not screened', '○ clear']);
    expect(screenedLine(names[1]!)).toBe('⚠ not screened  "Broken Co.": the lookup failed (database is locked); screen it again with a lookup');
    expect(screenedLine(names[3]!)).toMatch(/^◐ review {2}"Lokheed Martin" → Lockheed Martin Corporation · .* · listed · fuzzy, score 0\.71$/);
    expect(reply.blocks[0]).toEqual({ type: 'heading', text: '4 names in this message: 1 match, 1 to review, 1 not screened, 1 clear' });
    expect(textOf(reply)).toContain('⚠ US-STATE-ISN: data from 2022-04-01');
  });

  it('shows a long name and party cut, and says nothing was screened when no name was found', () => {
    const long = { name: name('X'.repeat(300), 0), verdict: 'clear' as const, total: 0 };
    expect(screenedLine(long).length).toBeLessThan(120);
    const none = screeningReply({ extraction: { names: [], found: 0, capped: false, limit: 25, truncated: false }, names: [], scope: screened.scope, warnings: [] });
    expect(textOf(none)).toMatch(/^No organisation or person names found in this message .* Nothing was screened\./);
    expect(textOf(none)).not.toMatch(/\bclear\b/);
  });
});
