/**
 * Reply -> Discord message: limits, escaping, buttons; the slash-command translation; the button id store;
 * the comparison of registered commands; the sink's classification of failures.
 */
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ButtonStore, CUSTOM_ID_MAX } from '../../../src/bots/discord/buttons';
import { ALERTS_COMMAND, commandDefinitions, commandLine, listChoices, LOOKUP_COMMAND, targetChoices } from '../../../src/bots/discord/commands';
import { compareCommands } from '../../../src/bots/discord/register';
import { COLOURS, embedSize, escapeText, LIMITS, messageSize, renderReply, truncate } from '../../../src/bots/discord/render';
import { classify } from '../../../src/bots/discord/sink';
import type { Reply } from '../../../src/core/commands/reply';
import { LIST_CODES } from '../../../src/core/lists';
import type { LookupDesignation, LookupResult } from '../../../src/core/lookup';
import { standingOf } from '../../../src/core/lookup';

const MENTION = /@everyone|@here|<@!?\d+>|<@&\d+>|<#\d+>/;

function party(id: number, overrides: Partial<LookupResult> = {}): LookupResult {
  const p: Omit<LookupResult, 'standing'> = {
    id: `p${id}`,
    name: `Party ${id} Technology Co., Ltd.`,
    aliases: ['Alias One', 'Alias Two'],
    type: 'entity',
    countries: ['CN'],
    score: 0.97,
    match: { name: `Party ${id} Technology Co., Ltd.`, how: 'exact' },
    designations: [{ list: 'US-BIS-EL', status: 'active', since: '2020-08-20', source: 'csl', citation: '85 FR 51596', url: 'https://www.federalregister.gov/d/2020-18213' }],
    ...overrides,
  };
  return { ...p, standing: overrides.standing ?? standingOf(p.designations.map((d) => d.status)) };
}

function huge(id: number): LookupResult {
  const designations: LookupDesignation[] = Array.from({ length: 40 }, (_, i) => ({
    list: LIST_CODES[i % LIST_CODES.length]!,
    status: i % 3 === 0 ? 'removed' : 'active',
    since: '2021-01-01',
    until: i % 3 === 0 ? '2022-01-01' : undefined,
    source: 's',
    citation: `${'Very long notice citation '.repeat(60)}${i}`,
    url: `https://example.gov/notice/${i}?q=(x)`,
    programs: Array.from({ length: 30 }, (_, j) => `PROGRAM-${j}`),
  }));
  return party(id, { name: `${'Enormous Holdings '.repeat(30)}${id}`, aliases: Array.from({ length: 300 }, (_, i) => `Alias number ${i} of a very long list`), designations });
}

describe('render: Discord limits', () => {
  it('keeps every limit with huge parties: title, description, 25 fields of 1024, 6000 in all, 10 embeds', () => {
    const reply: Reply = {
      blocks: [{ type: 'heading', text: '12 matches for "x"' }, ...Array.from({ length: 12 }, (_, i) => ({ type: 'party' as const, party: huge(i), band: 'match' as const }))],
      summary: 'x',
    };
    const m = renderReply(reply, { buttons: new ButtonStore() });
    expect(m.embeds.length).toBe(LIMITS.embeds);
    expect(messageSize(m)).toBeLessThanOrEqual(LIMITS.total);
    for (const e of m.embeds) {
      expect(e.title!.length).toBeLessThanOrEqual(LIMITS.title);
      expect((e.description ?? '').length).toBeLessThanOrEqual(LIMITS.description);
      expect((e.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
      for (const f of e.fields ?? []) {
        expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
        expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
        expect(f.value.length).toBeGreaterThan(0);
      }
    }
    expect(m.content).toMatch(/2 more cards not shown \(Discord shows 10 per message\)/);
    expect(m.content!.length).toBeLessThanOrEqual(LIMITS.content);
    // What was cut says so.
    expect(m.embeds.some((e) => e.fields?.some((f) => /^\+\d+ more/.test(f.name)))).toBe(true);
    // Buttons: at most 5 rows of 5, labels within 80.
    expect(m.components.length).toBeLessThanOrEqual(LIMITS.rows);
    for (const row of m.components) {
      expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
      for (const b of row.components) expect(b.label!.length).toBeLessThanOrEqual(LIMITS.buttonLabel);
    }
  });

  it('keeps one huge party under the limits with its own card (25 fields, the rest counted)', () => {
    const m = renderReply({ blocks: [{ type: 'party', party: huge(1), band: 'match' }], summary: 'x' });
    const [e] = m.embeds;
    expect(e!.fields!.length).toBeLessThanOrEqual(25);
    expect(e!.fields!.at(-1)).toMatchObject({ name: expect.stringMatching(/^\+\d+ more/), value: 'Use Details for all of them.' });
    expect(embedSize(e!)).toBeLessThanOrEqual(LIMITS.total);
  });

  it('moves content over 2000 characters into an embed, and puts the notice first', () => {
    const m = renderReply({ blocks: [{ type: 'heading', text: 'Help' }, { type: 'text', text: 'word '.repeat(1000) }], notice: 'Answering from the bundled seed.', summary: 'x' });
    expect(m.content).toBe('⚠️ Answering from the bundled seed.');
    expect(m.embeds[0]!.description!.length).toBeLessThanOrEqual(LIMITS.description);
    expect(m.embeds[0]!.description).toMatch(/^\*\*Help\*\*/);
  });

  it('shows review-band parties apart, in their own colour and label', () => {
    const m = renderReply({ blocks: [{ type: 'party', party: party(1), band: 'match' }, { type: 'text', text: 'Below the match threshold, worth a look:' }, { type: 'party', party: party(2, { score: 0.71 }), band: 'review' }], summary: 'x' });
    expect(m.embeds.map((e) => e.color)).toEqual([COLOURS.match, COLOURS.info, COLOURS.review]);
    expect(m.embeds[2]!.author!.name).toBe('Review: below the match threshold');
    expect(m.embeds[2]!.description).toMatch(/worth a look, not a match/);
  });

  it('links a citation only to an http(s) URL, and keeps the markdown link intact', () => {
    const m = renderReply({
      blocks: [
        {
          type: 'party',
          party: party(1, {
            designations: [
              { list: 'US-BIS-EL', status: 'active', source: 's', citation: '85 FR 1', url: 'javascript:alert(1)' },
              { list: 'US-OFAC-SDN', status: 'removed', until: '2024-05-01', source: 's', citation: 'Notice [x](y)', url: 'https://ofac.example/a (b)' },
            ],
          }),
          band: 'match',
        },
      ],
      summary: 'x',
    });
    const [el, sdn] = m.embeds[0]!.fields!;
    expect(el!.value).toBe('85 FR 1');
    expect(sdn!.name).toBe('US-OFAC-SDN · SDN · removed 2024-05-01');
    expect(sdn!.value).toBe('[Notice \\[x\\](y)](https://ofac.example/a%20%28b%29)');
  });
});

describe('render: escaping', () => {
  it('escapes markdown and breaks every kind of mention', () => {
    const hostile = '*bold* __u__ ~~s~~ `code` ||spoiler|| @everyone @here <@123> <@!123> <@&456> <#789> </cmd:1> <t:1:R> [x](https://evil)';
    const out = escapeText(hostile);
    expect(out).not.toMatch(MENTION);
    expect(out).toContain('\\*bold\\*');
    expect(out).toContain('\\|\\|spoiler\\|\\|');
    expect(out).toContain('\\[x\\](https://evil)');
    expect(escapeText('# Heading\n> quote\n-# small\n- item')).toBe('\\# Heading\n\\> quote\n\\-# small\n\\- item');
  });

  it('escapes data in headings, cards, fields, tables and events, and never pings from content', () => {
    const evil = '@everyone <@123> **x**';
    const reply: Reply = {
      blocks: [
        { type: 'heading', text: evil },
        { type: 'fields', fields: [{ label: evil, value: evil }] },
        { type: 'table', headers: ['a', 'b', 'c'], rows: [[evil, evil, evil]] },
        { type: 'events', events: [{ id: 1, at: '2026-01-01T00:00:00Z', kind: 'added', list: 'CN-CM', source: 's', record: 'r', name: evil, detail: { citation: evil }, refreshId: 1, retaliation: true }], more: 3 },
        { type: 'party', party: party(1, { name: evil, aliases: [evil], match: { name: evil, how: 'alias', via: evil } }), band: 'match' },
      ],
      notice: evil,
      summary: evil,
    };
    const m = renderReply(reply, { buttons: new ButtonStore() });
    const text = JSON.stringify(m, (key, value: unknown) => (key === 'custom_id' ? undefined : value));
    expect(text).not.toMatch(MENTION);
    // Button labels are plain text (Discord shows them as they are); everything else is escaped markdown.
    expect(JSON.stringify(m, (key, value: unknown) => (key === 'custom_id' || key === 'label' ? undefined : value))).not.toMatch(/[^\\]\*\*x\*\*/);
    expect(m.embeds.find((e) => e.description?.includes('CN-CM'))!.description).toMatch(/… and 3 more/);
  });

  it('truncates without splitting a surrogate pair or leaving a dangling escape', () => {
    expect(truncate('abc😀def', 5)).toBe('abc…');
    expect(truncate('ab\\\\cd', 4)).toBe('ab…');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('buttons', () => {
  it('puts short lines in the custom id and keeps long ones in the store', () => {
    const store = new ButtonStore(2);
    expect(store.encode('more', 'lookup Huawei page:2')).toBe('sanctions:more:lookup Huawei page:2');
    const long = `lookup ${'Very Long Company Name '.repeat(6)} page:2`;
    const id = store.encode('more', long);
    expect(id.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
    expect(store.decode(id)).toEqual({ kind: 'more', value: long });
    expect(store.decode('sanctions:details:p12')).toEqual({ kind: 'details', value: 'p12' });
    expect(store.decode('other:thing')).toBeUndefined();
    // Bounded: the oldest key goes first; a forgotten key says it expired.
    store.encode('share', `${long} a`);
    store.encode('share', `${long} b`);
    expect(store.size).toBe(2);
    expect(store.decode(id)).toEqual({ kind: 'more', expired: true });
  });

  it('renders More results, Share (when asked) and one Details per party', () => {
    const store = new ButtonStore();
    const reply: Reply = {
      blocks: [
        { type: 'party', party: party(1), band: 'match' },
        { type: 'party', party: party(2), band: 'review' },
        { type: 'actions', actions: [{ id: 'more', label: 'More results', value: 'lookup x page:2' }, { id: 'share', label: 'Share in channel', value: 'lookup x' }] },
      ],
      summary: 'x',
    };
    const ids = (share: boolean) => renderReply(reply, { buttons: store, share }).components.flatMap((r) => r.components.map((c) => c.custom_id));
    expect(ids(true)).toEqual(['sanctions:more:lookup x page:2', 'sanctions:share:lookup x', 'sanctions:details:p1', 'sanctions:details:p2']);
    expect(ids(false)).toEqual(['sanctions:more:lookup x page:2', 'sanctions:details:p1', 'sanctions:details:p2']);
    expect(renderReply(reply).components).toEqual([]);
  });
});

describe('slash commands -> grammar lines', () => {
  it('builds the line the core parser reads', () => {
    expect(commandLine({ command: LOOKUP_COMMAND, subcommand: 'lookup', options: { name: '  Hangzhou   Hikvision ', list: 'US-BIS-EL', side: 'us' } })).toBe('lookup Hangzhou Hikvision list:US-BIS-EL side:us');
    expect(commandLine({ command: LOOKUP_COMMAND, subcommand: 'recent', options: { days: 30 } })).toBe('recent 30');
    expect(commandLine({ command: LOOKUP_COMMAND, subcommand: 'recent', options: {} })).toBe('recent');
    expect(commandLine({ command: LOOKUP_COMMAND, subcommand: 'recent', options: { list: 'US-OFAC-SDN, CN-CM', side: 'cn', kind: 'added removed', since: '2026-11-01', refresh: '12', page: 3 } })).toBe(
      'recent list:US-OFAC-SDN,CN-CM side:cn kind:added,removed since:2026-11-01 refresh:12 page:3',
    );
    expect(commandLine({ command: LOOKUP_COMMAND, subcommand: 'help', options: { topic: 'watch' } })).toBe('help watch');
    expect(commandLine({ command: LOOKUP_COMMAND, subcommand: 'status', options: {} })).toBe('status');
    expect(commandLine({ command: ALERTS_COMMAND, subcommand: 'subscribe', options: { target: 'cn, US-BIS-EL', kinds: 'added, removed', countries: 'CN HK', health: true } })).toBe('subscribe cn US-BIS-EL kinds:added,removed countries:CN,HK health');
    expect(commandLine({ command: ALERTS_COMMAND, subcommand: 'subscribe', options: {} })).toBe('subscribe');
    expect(commandLine({ command: ALERTS_COMMAND, subcommand: 'subscribe', options: { target: 'cn', schedule: 'weekly', day: 'mon', at: ' 09:00', tz: 'America/New_York' } })).toBe(
      'subscribe cn schedule:weekly day:mon at:09:00 tz:America/New_York',
    );
    expect(commandLine({ command: ALERTS_COMMAND, subcommand: 'subscribe', options: { schedule: 'daily', tz: 'Europe/Berlin' } })).toBe('subscribe schedule:daily tz:Europe/Berlin');
    expect(commandLine({ command: ALERTS_COMMAND, subcommand: 'unsubscribe', options: {} })).toBe('unsubscribe all');
    expect(commandLine({ command: ALERTS_COMMAND, group: 'watch', subcommand: 'add', options: { name: 'DJI' } })).toBe('watch add DJI');
    expect(commandLine({ command: ALERTS_COMMAND, group: 'watch', subcommand: 'list', options: {} })).toBe('watch list');
    expect(commandLine({ command: 'other', subcommand: 'lookup', options: {} })).toBeUndefined();
  });

  it('defines /sanctions for everyone and /sanctions-alerts for channel managers, within Discord limits', () => {
    const [lookup, alerts] = commandDefinitions();
    expect(lookup!.name).toBe('sanctions');
    expect(lookup!.default_member_permissions).toBeUndefined();
    expect(alerts!.default_member_permissions).toBe('16');
    const walk = (options: unknown[] | undefined): void => {
      for (const o of (options ?? []) as Array<{ name: string; description: string; choices?: unknown[]; options?: unknown[] }>) {
        expect(o.name).toMatch(/^[a-z0-9_-]{1,32}$/);
        expect(o.description.length).toBeLessThanOrEqual(100);
        expect((o.choices ?? []).length).toBeLessThanOrEqual(25);
        walk(o.options);
      }
    };
    for (const c of commandDefinitions()) {
      expect(c.description.length).toBeLessThanOrEqual(100);
      walk(c.options);
    }
  });

  it('suggests subscription targets for the word being typed', () => {
    expect(targetChoices('').length).toBe(22);
    expect(targetChoices('mofcom').map((c) => c.value)).toEqual(['CN-MOFCOM-UEL', 'CN-MOFCOM-ECL', 'CN-MOFCOM-ECWL']);
    expect(targetChoices('cn us-bis-e')[0]).toEqual({ name: 'cn US-BIS-EL: Entity List', value: 'cn US-BIS-EL' });
  });

  it('compares registered commands by what users see, not by the ids Discord adds', () => {
    const served = commandDefinitions() as Parameters<typeof compareCommands>[0];
    const registered = served.map((c) => ({ ...c, id: '1', application_id: '2', version: '3', nsfw: false }));
    expect(compareCommands(served, registered)).toEqual({ matches: true, missing: [], different: [], extra: [] });
    const changed = registered.map((c) => (c.name === 'sanctions' ? { ...c, description: 'old' } : c));
    expect(compareCommands(served, [...changed.slice(0, 1), { name: 'old-command', description: 'x' }])).toEqual({ matches: false, missing: ['sanctions-alerts'], different: ['sanctions'], extra: ['old-command'] });
  });
});

describe('sink: failures the delivery worker can act on', () => {
  const api = (status: number, code: number, message: string) => new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.test/api/v10/channels/1/messages', {});
  it('classifies rate limits, gone channels, missing access, server errors and network failures', () => {
    const limited = new RateLimitError({ timeToReset: 0, limit: 5, method: 'POST', hash: 'h', url: 'u', route: '/channels/:id/messages', majorParameter: '1', global: false, retryAfter: 2050, sublimitTimeout: 0, scope: 'user' });
    expect(classify(limited)).toMatchObject({ ok: false, permanent: false, retryAfterMs: 2050 });
    expect(classify(api(404, 10003, 'Unknown Channel'))).toMatchObject({ permanent: true, reason: expect.stringMatching(/Unknown Channel/) });
    expect(classify(api(403, 50001, 'Missing Access'))).toMatchObject({ permanent: true });
    expect(classify(api(403, 50013, 'Missing Permissions'))).toMatchObject({ permanent: true });
    expect(classify(api(401, 0, '401: Unauthorized'))).toMatchObject({ permanent: false });
    expect(classify(api(400, 50035, 'Invalid Form Body'))).toMatchObject({ permanent: true });
    expect(classify(new HTTPError(502, 'Bad Gateway', 'POST', 'u', {}))).toMatchObject({ permanent: false });
    expect(classify(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }))).toMatchObject({ permanent: false, reason: 'timed out' });
    expect(classify(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toMatchObject({ permanent: false, reason: 'network: ECONNREFUSED' });
  });
});

describe('render: a party no longer listed (issue 10, seen 7)', () => {
  it('is grey, titled and described as no longer listed, with the date', () => {
    const p = party(9, { designations: [{ list: 'US-DOD-1260H', status: 'removed', since: '2024-01-31', until: '2025-01-07', source: 'us-dod-1260h' }] });
    const m = renderReply({ blocks: [{ type: 'party', party: p, band: 'match' }], summary: 'x' });
    expect(m.embeds[0]!.color).toBe(COLOURS.removed);
    expect(m.embeds[0]!.title).toMatch(/\(no longer listed\)$/);
    expect(m.embeds[0]!.description).toMatch(/No longer listed since 2025-01-07/);
  });

  it('a suspended party is grey too and says nothing is in force', () => {
    const p = party(10, { designations: [{ list: 'CN-MOFCOM-UEL', status: 'suspended', since: '2025-04-09', until: '2026-11-10', source: 'cn-lists' }] });
    const m = renderReply({ blocks: [{ type: 'party', party: p, band: 'match' }], summary: 'x' });
    expect(m.embeds[0]!.color).toBe(COLOURS.removed);
    expect(m.embeds[0]!.description).toMatch(/Suspended: no designation in force/);
  });
});

describe('render: command hints (issue 13)', () => {
  it('shows the command as Discord types it, in code, with mentions in the text neutralised', () => {
    const m = renderReply({ blocks: [{ type: 'hint', text: '@everyone page 1 of 3. More:', line: 'recent 30 list:US-OFAC-SDN page:2' }], summary: 'x' });
    expect(m.content).toContain('`/sanctions recent days:30 list:US-OFAC-SDN page:2`');
    expect(m.content).not.toMatch(MENTION);
  });
});

describe('recent: list autocomplete (issue 13)', () => {
  it('suggests list codes for the last comma-separated code typed, keeping the ones before', () => {
    expect(listChoices('sdn')[0]).toEqual({ name: 'US-OFAC-SDN (SDN)', value: 'US-OFAC-SDN' });
    const more = listChoices('US-OFAC-SDN, uel');
    expect(more.map((c) => c.value)).toContain('US-OFAC-SDN,CN-MOFCOM-UEL');
    expect(listChoices('').length).toBeLessThanOrEqual(25);
  });
});

describe('Discord renderer: who handled an alert', () => {
  it('names them without a ping, even a member whose display name is "everyone" or "here"', () => {
    for (const name of ['everyone', 'here', 'Ann <@&123>']) {
      const { content } = renderReply({ blocks: [{ type: 'handled', user: '42', name, at: '2026-12-01T10:00:00Z' }], summary: 's' });
      expect(content).toMatch(/^✅ Handled by /);
      expect(content).not.toMatch(/@everyone|@here|<@&123>/);
    }
  });
});
