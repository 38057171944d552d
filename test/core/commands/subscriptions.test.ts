/**
 * Issue 13, "What was seen" 4 and 5, in the core: subscriptions that mean what they say (exclusions, add versus
 * replace said in the reply), help and refusals in each platform's own words, and small talk answered briefly.
 */
import { describe, expect, it } from 'vitest';
import { matches } from '../../../src/core/alerts/route';
import { addTarget, followedLists, removeTarget, SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { runCommand, type CommandContext } from '../../../src/core/commands/handle';
import type { Block, Reply } from '../../../src/core/commands/reply';
import { LIST_CODES, listInfo } from '../../../src/core/lists';
import { openDb } from '../../../src/core/store/db';
import { discordSyntax } from '../../../src/bots/discord/commands';
import { DISCORD_PLATFORM } from '../../../src/bots/discord/handlers';
import { slackPlatform } from '../../../src/bots/slack/app';

const texts = (r: Reply) => r.blocks.map((b: Block) => ('text' in b ? b.text : b.type === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join('\n') : '')).join('\n');

function context(overrides: Partial<CommandContext> = {}): CommandContext {
  return { db: openDb(':memory:'), platform: 'slack', channel: 'C1', user: 'U1', canManage: true, audit: false, ...overrides };
}

describe('subscriptions with exclusions, and replies that say what the channel hears (issue 13, seen 4)', () => {
  it('subscribe all, then unsubscribe US-OFAC-SDN: every list but the SDN, said so, and routed so', () => {
    const ctx = context();
    runCommand('subscribe all', ctx);
    const reply = runCommand('unsubscribe US-OFAC-SDN', ctx);
    expect(texts(reply)).not.toMatch(/now hears about every list\./);
    expect(texts(reply)).toMatch(/This channel now hears about every list except SDN \(US-OFAC-SDN\)/);
    expect(texts(reply)).toMatch(/Stopped SDN \(US-OFAC-SDN\): the channel still follows every list, leaving it out\./);
    const sub = new SubscriptionStore(ctx.db).get('slack', 'C1')!;
    expect(sub).toMatchObject({ targets: ['all'], excluded: ['US-OFAC-SDN'] });
    // Routing honours the exclusion, and nothing else is lost.
    expect(matches(sub, { list: 'US-OFAC-SDN', kind: 'added', countries: [] })).toBe(false);
    expect(matches(sub, { list: 'US-BIS-EL', kind: 'added', countries: [] })).toBe(true);
    expect(matches(sub, { list: 'CN-MOFCOM-UEL', kind: 'removed', countries: [] })).toBe(true);
    expect(texts(runCommand('subscriptions', ctx))).toMatch(/Follows: every list except SDN \(US-OFAC-SDN\)/);
    // Subscribing to it again takes the exclusion back.
    expect(texts(runCommand('subscribe US-OFAC-SDN', ctx))).toMatch(/Added SDN \(US-OFAC-SDN\) back\.\nThis channel now hears about every list;/);
    expect(new SubscriptionStore(ctx.db).get('slack', 'C1')).toMatchObject({ targets: ['all'], excluded: [] });
  });

  it('subscribe all, then subscribe us: never silently narrows; says it is already covered and how to narrow', () => {
    const ctx = context();
    runCommand('subscribe all', ctx);
    const reply = runCommand('subscribe us', ctx);
    expect(texts(reply)).toMatch(/Already covered: this channel follows every list, which includes Washington's lists; subscribing adds, it never narrows, so nothing changed\. To hear only Washington's lists, unsubscribe cn\./);
    expect(texts(reply)).toMatch(/This channel now hears about every list;/);
    expect(reply.private).toBe(true);
    expect(new SubscriptionStore(ctx.db).get('slack', 'C1')).toMatchObject({ targets: ['all'], excluded: [] });
  });

  it('adds side to side and says what was added; a later subscribe keeps kinds and countries unless given', () => {
    const ctx = context();
    runCommand('subscribe cn kinds:added countries:CN', ctx);
    const reply = runCommand('subscribe us', ctx);
    expect(texts(reply)).toMatch(/^Added Washington's lists\.\nThis channel now hears about Beijing's lists, Washington's lists; changes: added; parties in CN\.$/);
    const replaced = runCommand('subscribe kinds:added,removed', ctx);
    expect(texts(replaced)).toMatch(/Changes now: added, removed \(replacing added\)\./);
    expect(new SubscriptionStore(ctx.db).get('slack', 'C1')).toMatchObject({ targets: ['side:cn', 'side:us'], kinds: ['added', 'removed'], countries: ['CN'] });
  });

  it('unsubscribing a side under all keeps the other side; a list not followed is said to be not followed', () => {
    const ctx = context();
    runCommand('subscribe all', ctx);
    expect(texts(runCommand('unsubscribe us', ctx))).toMatch(/Stopped Washington's lists\.\nThis channel now hears about Beijing's lists;/);
    const notFollowed = runCommand('unsubscribe US-BIS-EL', ctx);
    expect(texts(notFollowed)).toMatch(/Entity List \(US-BIS-EL\) was not followed here: nothing changed\./);
    expect(notFollowed.private).toBe(true);
  });

  it('the pure rules: exclusions under a side, a side subscribed over its excluded lists, no narrowing', () => {
    const usAllButSdn = removeTarget({ targets: ['side:us'], excluded: [] }, 'US-OFAC-SDN').next;
    expect(usAllButSdn).toEqual({ targets: ['side:us'], excluded: ['US-OFAC-SDN'] });
    expect(followedLists(usAllButSdn)).toEqual(LIST_CODES.filter((l) => listInfo(l).side === 'us' && l !== 'US-OFAC-SDN'));
    expect(addTarget(usAllButSdn, 'side:us')).toMatchObject({ next: { targets: ['side:us'], excluded: [] }, unchanged: false });
    expect(addTarget({ targets: ['US-BIS-EL', 'CN-CM'], excluded: [] }, 'side:us').next).toEqual({ targets: ['CN-CM', 'side:us'], excluded: [] });
    expect(addTarget({ targets: ['side:us'], excluded: [] }, 'US-BIS-EL')).toMatchObject({ unchanged: true });
    for (const t of ['all', 'side:us', 'side:cn', 'US-OFAC-SDN', 'CN-MOFCOM-UEL'] as const) {
      const before = { targets: ['side:cn' as const, 'US-BIS-EL' as const], excluded: [] };
      const after = addTarget(before, t).next;
      // Subscribing never loses a list the channel heard before.
      expect(followedLists(before).every((l) => followedLists(after).includes(l))).toBe(true);
    }
  });
});

describe('help and refusals in the platform\'s own words (issue 13, seen 5)', () => {
  it('Discord help shows /sanctions-alerts with its options; Slack help shows its slash command', () => {
    const discord = texts(runCommand('help', context({ platform: 'discord', platformInfo: DISCORD_PLATFORM })));
    expect(discord).toContain('/sanctions-alerts subscribe [target:all|us|cn|CODE ...] [kinds:added,removed,changed,suspended] [countries:CN,HK] [health:True]');
    expect(discord).toContain('/sanctions recent [days:N] [list:CODE]');
    expect(discord).toContain('/sanctions-alerts watch add name:<name>');
    expect(discord).not.toMatch(/(^|\n)subscribe \[all\|us\|cn\|CODE/);
    expect(discord).not.toMatch(/workspace admins/);
    const slack = texts(runCommand('help', context({ platformInfo: slackPlatform('/sanctions') })));
    expect(slack).toContain('/sanctions subscribe [all|us|cn|CODE ...]');
    expect(slack).not.toContain('/sanctions-alerts');
    expect(slack).not.toContain('target:');
  });

  it('the refusal names who may manage alerts there: Manage Channels on Discord, workspace admins on Slack', () => {
    const discord = runCommand('subscribe cn', context({ platform: 'discord', canManage: false, platformInfo: DISCORD_PLATFORM }));
    expect(discord.error).toBe(true);
    expect(texts(discord)).toMatch(/^Only members with the Manage Channels or Manage Server permission can change this channel's alerts\. Ask one of them, or use "\/sanctions subscriptions" to see what it follows\. You can always manage alerts in your DM with this bot\.$/);
    expect(texts(discord)).not.toMatch(/workspace/);
    const slack = runCommand('subscribe cn', context({ canManage: false, platformInfo: slackPlatform() }));
    expect(texts(slack)).toMatch(/^Only workspace admins and owners \(or people the operator has allowed\) can change this channel's alerts\. Ask one of them, or use "\/sanctions subscriptions"/);
    expect(texts(slack)).not.toMatch(/server admins|Manage Channels/);
  });

  it('a grammar line as Discord types it', () => {
    expect(discordSyntax('recent page:3 list:US-OFAC-SDN kind:added')).toBe('/sanctions recent page:3 list:US-OFAC-SDN kind:added');
    expect(discordSyntax('recent 30 refresh:12')).toBe('/sanctions recent days:30 refresh:12');
    expect(discordSyntax('subscribe cn US-BIS-EL kinds:added health')).toBe('/sanctions-alerts subscribe target:cn US-BIS-EL kinds:added health:True');
    expect(discordSyntax('unsubscribe all')).toBe('/sanctions-alerts unsubscribe target:all');
    expect(discordSyntax('watch list')).toBe('/sanctions-alerts watch list');
    expect(discordSyntax('subscriptions')).toBe('/sanctions subscriptions');
    expect(discordSyntax('lookup Huawei side:us')).toBe('/sanctions lookup name:Huawei side:us');
  });

  it('"thanks!", "thank you", "ok", "👍" and "hi" get a short friendly answer, not the help', () => {
    const ctx = context({ platformInfo: slackPlatform() });
    for (const said of ['thanks!', 'Thank you', 'thx', 'ok', 'OK!', '👍', ':+1:', 'hi', 'Hello there']) {
      const reply = runCommand(said, ctx);
      expect(reply.error, said).toBeFalsy();
      expect(reply.blocks, said).toHaveLength(1);
      expect(texts(reply).length, said).toBeLessThan(120);
      expect(texts(reply), said).not.toMatch(/lookup <name>|subscribe \[/);
    }
    expect(texts(runCommand('thanks!', ctx))).toBe("You're welcome!");
    expect(texts(runCommand('hi', ctx))).toMatch(/^Hi! Ask me about a name .*"\/sanctions help"/);
    // A name is still a name.
    expect(runCommand('Hikvision thanks', ctx).blocks[0]).not.toMatchObject({ text: "You're welcome!" });
  });
});
