import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { ACTION_IDS, escapeMrkdwn, fromSlackText, LIMITS, renderReply, safeUrl, truncate } from '../../../src/bots/slack/render';
import type { Reply } from '../../../src/core/commands/reply';
import type { LookupResult } from '../../../src/core/lookup';
import { standingOf } from '../../../src/core/lookup';

type KnownBlock = types.KnownBlock;

function party(overrides: Partial<LookupResult> = {}): LookupResult {
  const p: Omit<LookupResult, 'standing'> = {
    id: 'p1',
    name: 'Rheinmetall AG',
    aliases: ['Rheinmetall', '莱茵金属'],
    type: 'entity',
    countries: ['DE'],
    score: 1,
    match: { name: 'Rheinmetall AG', how: 'exact' },
    designations: [{ list: 'CN-MOFCOM-ECL', status: 'active', since: '2026-01-02', source: 'cn-lists', citation: '商务部公告2026年第1号', url: 'https://www.mofcom.gov.cn/a.html?x=1&y=2' }],
    ...overrides,
  };
  return { ...p, standing: overrides.standing ?? standingOf(p.designations.map((d) => d.status)) };
}

/** Every text the message carries, as Slack would read it. */
function texts(blocks: KnownBlock[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

describe('Slack renderer: limits', () => {
  it('keeps header text within 150 characters', () => {
    const { blocks } = renderReply({ blocks: [{ type: 'heading', text: `1 match for "${'Ж'.repeat(400)}"` }], summary: 's' });
    const header = blocks.find((b) => b.type === 'header') as types.HeaderBlock;
    expect(header.text.text.length).toBeLessThanOrEqual(LIMITS.header);
    expect(header.text.text.endsWith('…')).toBe(true);
  });

  it('keeps every section within 3000 characters, splitting long text by lines', () => {
    const text = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(30)} & <more>`).join('\n');
    const { blocks } = renderReply({ blocks: [{ type: 'text', text }, { type: 'text', text: 'y'.repeat(10_000) }], summary: 's' });
    const sections = blocks.filter((b): b is types.SectionBlock => b.type === 'section');
    expect(sections.length).toBeGreaterThan(4);
    for (const s of sections) expect(s.text!.text.length).toBeLessThanOrEqual(LIMITS.section);
    // Splitting never cuts an entity in half.
    for (const s of sections) expect(s.text!.text).not.toMatch(/&(?:a|am|l|g)?$/);
  });

  it('never sends more than 50 blocks, and says the answer was shortened', () => {
    const many: Reply = {
      blocks: [{ type: 'heading', text: '60 matches' }, ...Array.from({ length: 60 }, (_, i) => ({ type: 'party' as const, party: party({ id: `p${i}` }), band: 'match' as const })), { type: 'actions', actions: [{ id: 'more', label: 'More results', value: 'lookup x page:2' }] }],
      notice: 'seed',
      summary: 's',
    };
    const { blocks } = renderReply(many);
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    expect(blocks[0]!.type).toBe('context');
    expect(blocks.at(-1)!.type).toBe('actions');
    expect(JSON.stringify(blocks)).toMatch(/Shortened to fit one Slack message/);
  });

  it('keeps fields to 10 a section and 2000 characters each', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `f${i}`, value: 'v'.repeat(5000) }));
    const { blocks } = renderReply({ blocks: [{ type: 'fields', fields }], summary: 's' });
    expect(blocks).toHaveLength(3);
    for (const b of blocks as types.SectionBlock[]) {
      expect(b.fields!.length).toBeLessThanOrEqual(LIMITS.fields);
      for (const f of b.fields!) expect(f.text.length).toBeLessThanOrEqual(LIMITS.field);
    }
  });

  it('keeps a party with very many designations within one section, counting the rest', () => {
    const designations = Array.from({ length: 200 }, (_, i) => ({ list: 'US-OFAC-SDN' as const, status: 'removed' as const, since: '2020-01-01', until: '2021-01-01', source: 's', citation: `${i} FR ${'9'.repeat(20)}` }));
    const { blocks } = renderReply({ blocks: [{ type: 'party', party: party({ designations }), band: 'match' }], summary: 's' });
    const card = blocks[0] as types.SectionBlock;
    expect(card.text!.text.length).toBeLessThanOrEqual(LIMITS.section);
    expect(card.text!.text).toMatch(/\+\d+ more designations: see Details/);
  });

  it('puts buttons with their action ids and values, and drops a value over 2000 characters', () => {
    const { blocks } = renderReply({
      blocks: [
        { type: 'party', party: party(), band: 'match' },
        { type: 'actions', actions: [{ id: 'more', label: 'More results', value: 'lookup Huawei page:2' }, { id: 'share', label: 'Share in channel', value: 'x'.repeat(2001) }] },
      ],
      summary: 's',
    });
    const card = blocks[0] as types.SectionBlock;
    expect(card.accessory).toMatchObject({ type: 'button', action_id: ACTION_IDS.details, value: 'details p1' });
    const actions = blocks.at(-1) as types.ActionsBlock;
    expect(actions.elements).toHaveLength(1);
    expect(actions.elements[0]).toMatchObject({ action_id: 'sanctions_more', value: 'lookup Huawei page:2' });
  });

  it('offers no Share button where the answer is already public, and no Details in the details view', () => {
    const reply: Reply = { blocks: [{ type: 'party', party: party(), band: 'match' }, { type: 'actions', actions: [{ id: 'share', label: 'Share in channel', value: 'lookup x' }] }], summary: 's' };
    const { blocks } = renderReply(reply, { share: false, details: false });
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect((blocks[0] as types.SectionBlock).accessory).toBeUndefined();
  });
});

describe('Slack renderer: designation history', () => {
  it('shows a suspension, the announcement that made it and its end under the designation', () => {
    const designations = [
      {
        list: 'CN-MOFCOM-UEL' as const,
        status: 'active' as const,
        since: '2025-04-04',
        source: 'cn-notices',
        citation: '不可靠实体清单工作机制公告〔2025〕7号',
        history: [
          { status: 'active' as const, from: '2025-04-04', until: '2025-05-14' },
          { status: 'suspended' as const, from: '2025-05-14', until: '2026-11-10', title: '商务部新闻发言人答记者问' },
          { status: 'active' as const, from: '2026-11-10' },
        ],
      },
    ];
    const { blocks } = renderReply({ blocks: [{ type: 'party', party: party({ designations }), band: 'match' }], summary: 's' });
    expect(texts(blocks).join('\n')).toMatch(/suspended 2025-05-14 – 2026-11-10 \(商务部新闻发言人答记者问\); in force again from 2026-11-10/);
  });
});

describe('Slack renderer: an Entity List entry a Federal Register rule announced', () => {
  it('shows the publication and effective dates, and that the CSL does not list it yet', () => {
    const designations = [
      {
        list: 'US-BIS-EL' as const,
        status: 'active' as const,
        since: '2023-02-24',
        published: '2023-02-27',
        effective: '2023-02-24',
        source: 'us-fr-entity-list',
        citation: '88 FR 12171',
        url: 'https://www.federalregister.gov/d/2023-03929',
        pending: 'published in the Federal Register, not yet on the Consolidated Screening List',
      },
    ];
    const { blocks } = renderReply({ blocks: [{ type: 'party', party: party({ designations }), band: 'match' }], summary: 's' });
    const text = texts(blocks).join('\n');
    expect(text).toMatch(/since 2023-02-24 \(effective; published 2023-02-27\)/);
    expect(text).toMatch(/published in the Federal Register, not yet on the Consolidated Screening List/);
  });
});

describe('Slack renderer: escaping', () => {
  it('never lets data or a query form a mention, a broadcast or a link', () => {
    const evil = party({
      id: 'p9',
      name: '<!channel>',
      aliases: ['<@U123>', '<!subteam^S1|@team>', '<https://evil.example|click me>'],
      match: { name: '<!here>', how: 'fuzzy', via: '<!everyone>' },
      designations: [{ list: 'US-OFAC-SDN', status: 'active', source: 's', citation: '<!here> & <@U1>', url: 'https://ok.example/<!channel>' }],
    });
    const reply: Reply = {
      blocks: [
        { type: 'heading', text: '1 match for "<@U123> <!here>"' },
        { type: 'party', party: evil, band: 'match' },
        { type: 'text', text: 'Watching "<!channel>"' },
        { type: 'fields', fields: [{ label: '<!here>', value: '<@U123>' }] },
        { type: 'table', headers: ['<!here>'], rows: [['<@U123>']] },
        { type: 'events', events: [{ id: 1, at: '2026-01-01T00:00:00Z', kind: 'added', list: 'CN-CM', source: 's', record: 'r', name: '<!channel>', detail: { citation: '<!here>' }, refreshId: 1 }], more: 0 },
      ],
      notice: '<!here> seed',
      summary: '<!channel> <@U123>: SDN',
    };
    const message = renderReply(reply);
    const all = [...texts(message.blocks), message.text];
    for (const t of all) {
      expect(t).not.toMatch(/<[!@#]/);
      expect(t).not.toContain('<https://evil');
    }
    const json = JSON.stringify(message);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('&lt;@U123&gt;');
    // The one URL with "<" in it is not linked.
    expect(json).not.toContain('<https://ok.example');
  });

  it('neutralises mrkdwn formatting characters in names', () => {
    const { blocks } = renderReply({ blocks: [{ type: 'party', party: party({ name: '*bold* _it_ ~gone~ `code`' }), band: 'match' }], summary: 's' });
    const text = (blocks[0] as types.SectionBlock).text!.text;
    expect(text).not.toMatch(/\*bold\*|_it_|~gone~|`code`/);
    expect(text).toContain('bold');
    expect(escapeMrkdwn('a*b_c~d`e')).toBe('a\u2217b\u02cdc\u223cd\u02cbe');
  });

  it('escapes the fallback text too', () => {
    expect(renderReply({ blocks: [], summary: 'A & B <!here>' }).text).toBe('A &amp; B &lt;!here&gt;');
  });

  it('truncates without splitting an entity or a link', () => {
    expect(truncate('abc &amp; def', 8)).toBe('abc …');
    expect(truncate('see <https://x.example|x> now', 12)).toBe('see …');
  });
});

describe('Slack renderer: links', () => {
  it('links only http(s) URLs without | < > or spaces', () => {
    expect(safeUrl('https://www.federalregister.gov/d/2024-1')).toBe('https://www.federalregister.gov/d/2024-1');
    expect(safeUrl('http://www.mofcom.gov.cn/a.html')).toBe('http://www.mofcom.gov.cn/a.html');
    for (const bad of ['javascript:alert(1)', 'ftp://x.example/a', 'data:text/html,x', 'https://x.example/a|b', 'https://x.example/a>b', 'https://x.example/a b', '//x.example', 'mailto:a@b.c', '']) {
      expect(safeUrl(bad)).toBeUndefined();
    }
  });

  it('links a citation to its notice, escaping & in the URL', () => {
    const { blocks } = renderReply({ blocks: [{ type: 'party', party: party(), band: 'match' }], summary: 's' });
    expect((blocks[0] as types.SectionBlock).text!.text).toContain('<https://www.mofcom.gov.cn/a.html?x=1&amp;y=2|商务部公告2026年第1号>');
  });

  it('shows the citation unlinked when the URL is not http(s)', () => {
    const p = party({ designations: [{ list: 'US-BIS-EL', status: 'active', source: 's', citation: '89 FR 1', url: 'javascript:alert(1)' }] });
    const text = (renderReply({ blocks: [{ type: 'party', party: p, band: 'match' }], summary: 's' }).blocks[0] as types.SectionBlock).text!.text;
    expect(text).toContain('89 FR 1');
    expect(text).not.toContain('javascript');
  });
});

describe('Slack renderer: layout', () => {
  it('puts the notice first, and a shared card says who shared it above it', () => {
    const reply: Reply = { blocks: [{ type: 'heading', text: 'h' }], notice: 'Answering from the bundled seed', summary: 's' };
    const plain = renderReply(reply).blocks;
    expect(plain[0]).toMatchObject({ type: 'context' });
    expect(JSON.stringify(plain[0])).toContain('bundled seed');
    const shared = renderReply(reply, { sharedBy: 'U0SHARER' }).blocks;
    expect(JSON.stringify(shared[0])).toContain('Shared by <@U0SHARER>');
    expect(JSON.stringify(shared[1])).toContain('bundled seed');
    // Only a real Slack user id is ever turned into a mention.
    expect(JSON.stringify(renderReply(reply, { sharedBy: '!channel' }).blocks)).not.toContain('Shared by');
  });

  it('sets the review band apart, after the matches, under its own label', () => {
    const reply: Reply = {
      blocks: [
        { type: 'heading', text: '1 match for "Rheinmetall"' },
        { type: 'party', party: party(), band: 'match' },
        { type: 'text', text: 'Below the match threshold, worth a look:' },
        { type: 'party', party: party({ id: 'p2', name: 'Rheinmetal Trading', score: 0.7 }), band: 'review' },
      ],
      summary: 's',
    };
    const { blocks } = renderReply(reply);
    const types = blocks.map((b) => b.type);
    const divider = types.indexOf('divider');
    expect(divider).toBeGreaterThan(1);
    expect(JSON.stringify(blocks[divider + 1])).toMatch(/:grey_question: Below the match threshold, worth a look/);
    expect(JSON.stringify(blocks.slice(divider))).toContain('Rheinmetal Trading');
    expect(JSON.stringify(blocks.slice(0, divider))).not.toContain('Rheinmetal Trading');
  });

  it('labels a review band the core did not introduce', () => {
    const { blocks } = renderReply({ blocks: [{ type: 'party', party: party(), band: 'review' }], summary: 's' });
    expect(blocks[0]!.type).toBe('divider');
    expect(JSON.stringify(blocks[1])).toContain('Below the match threshold, worth a review');
  });

  it('shows how the name matched, the score, and a few aliases', () => {
    const p = party({ aliases: Array.from({ length: 9 }, (_, i) => `Alias ${i}`), match: { name: 'Rheinmetal', how: 'fuzzy', via: 'pinyin' }, score: 0.91 });
    const json = JSON.stringify(renderReply({ blocks: [{ type: 'party', party: p, band: 'match' }], summary: 's' }).blocks);
    expect(json).toMatch(/Matched “Rheinmetal” \(fuzzy via \\"pinyin\\"\), score 0\.91/);
    expect(json).toContain('Alias 4; +4 more');
    expect(json).not.toContain('Alias 5');
    expect(JSON.stringify(renderReply({ blocks: [{ type: 'party', party: p, band: 'match' }], summary: 's' }, { allAliases: true }).blocks)).toContain('Alias 8');
  });

  it('renders tables as code blocks', () => {
    const { blocks } = renderReply({ blocks: [{ type: 'table', headers: ['code', 'list'], rows: [['US-BIS-EL', 'Entity List']] }], summary: 's' });
    expect((blocks[0] as types.SectionBlock).text!.text).toMatch(/^```\ncode +list\nUS-BIS-EL +Entity List\n```$/);
  });
});

describe('fromSlackText', () => {
  it('drops mentions, keeps link labels, decodes entities', () => {
    expect(fromSlackText('<@U0BOT> is AT&amp;T on a list? &lt;tag&gt; <https://x.example|X Corp> <#C1|general>')).toBe('is AT&T on a list? <tag> X Corp');
  });
});

describe('Slack renderer: a party no longer listed (issue 10, seen 7)', () => {
  const delisted = party({
    name: 'Former Listed Trading Co',
    designations: [{ list: 'US-OFAC-SDN', status: 'removed', since: '2019-01-02', until: '2024-05-06', source: 'us-ofac-sdn' }],
  });

  it('is grey and says since when it is no longer listed, never with the red match marker', () => {
    const message = renderReply({ blocks: [{ type: 'party', party: delisted, band: 'match' }], summary: 'x' });
    const all = texts(message.blocks).join('\n');
    expect(all).not.toContain(':red_circle:');
    expect(all).toContain(':white_circle:');
    expect(all).toMatch(/no longer listed since 2024-05-06/);
  });

  it('keeps the red marker for a party with a designation in force', () => {
    const all = texts(renderReply({ blocks: [{ type: 'party', party: party(), band: 'match' }], summary: 'x' }).blocks).join('\n');
    expect(all).toContain(':red_circle:');
  });
});

describe('Slack renderer: command hints (issue 13)', () => {
  it('shows the command as Slack types it, in code, with the text before it escaped', () => {
    const reply: Reply = { blocks: [{ type: 'hint', text: '<!here> *Page* 1 of 3. More:', line: 'recent list:US-OFAC-SDN page:2' }], summary: 'x' };
    const text = JSON.stringify(renderReply(reply, { command: '/screen' }).blocks);
    expect(text).toContain('&lt;!here&gt;');
    expect(text).not.toContain('<!here>');
    expect(text).toContain('`/screen recent list:US-OFAC-SDN page:2`');
    expect(JSON.stringify(renderReply(reply).blocks)).toContain('`/sanctions recent list:US-OFAC-SDN page:2`');
  });
});
