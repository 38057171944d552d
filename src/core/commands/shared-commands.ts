/**
 * The async entry to the commands, for a bot that keeps its state in a shared store (DATABASE_URL): subscribe,
 * unsubscribe, watch and subscriptions read and write the channel's subscription and watch terms there (several
 * hosts serve one channel), with the same answers as the local SQLite path (handle.ts), whose pure parts they use.
 * Every other command, and every command without a shared store, is handle()'s.
 *
 * What the shared store does not hold yet is said, never pretended: scheduled summaries (their held changes live
 * in the local file) are refused, and a channel's undelivered messages are not counted here. A store that fails
 * (the database down) gives an answer that says the change was not made, and why.
 */
import { changeTargets, type Subscription } from '../alerts/subscriptions';
import { describeSchedule } from '../alerts/schedule';
import {
  handle,
  manageRefusal,
  planSubscribe,
  planUnsubscribe,
  sameScheduleNote,
  subscribedReply,
  subscriptionsView,
  typedCommand,
  unsubscribedReply,
  usesSubscriptions,
  watchReplies,
  withNotice,
  type CommandContext,
} from './handle';
import { parseCommand, type Command } from './parse';
import { textReply, type Reply } from './reply';
import type { SharedCommandStore } from './shared-store';

export type { SharedCommandStore };

/** Does this command go to the shared store (when there is one)? Adapters that must answer in time ask. */
export function needsSharedStore(command: Command, ctx: Pick<CommandContext, 'shared'>): boolean {
  return Boolean(ctx.shared) && usesSubscriptions(command);
}

/** Run a line of the grammar: with a shared store, subscriptions are the shared store's; else as runCommand. */
export function runCommandAsync(line: string, ctx: CommandContext): Promise<Reply> {
  return dispatchCommand(parseCommand(line), ctx);
}

/** Answer a parsed command: with a shared store, subscriptions are the shared store's; else as handle(). */
export async function dispatchCommand(command: Command, ctx: CommandContext): Promise<Reply> {
  if (!ctx.shared || !usesSubscriptions(command)) return handle(command, ctx);
  const refused = manageRefusal(command, ctx);
  if (refused) return withNotice(refused, ctx);
  let reply: Reply;
  try {
    reply = await sharedReply(command, ctx, ctx.shared);
  } catch (err) {
    // Whatever failed on the way (a store that cannot even prepare its statements): never an answer that looks done.
    reply = command.name === 'subscriptions' || (command.name === 'watch' && command.action === 'list') ? notRead(err) : notChanged(err);
  }
  return withNotice(reply, ctx);
}

/** Why the store failed, in one line (a driver's message, without a stack). */
function reason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const text = (e?.message ?? String(err)).split('\n')[0]!.slice(0, 200);
  return e?.code && !text.includes(e.code) ? `${e.code}: ${text}` : text;
}

function notChanged(err: unknown): Reply {
  return textReply(`Not done: the shared database did not take the change (${reason(err)}). This channel's alerts were NOT changed; try again in a moment.`, { error: true });
}

function notRead(err: unknown): Reply {
  return textReply(`This channel's alerts could not be read from the shared database (${reason(err)}); try again in a moment.`, { error: true });
}

async function sharedReply(command: Command, ctx: CommandContext, shared: SharedCommandStore): Promise<Reply> {
  const subs = shared.subscriptions;
  switch (command.name) {
    case 'subscribe': {
      // Refused before anything is read or written: a schedule half-applied would be worse than none.
      if (command.schedule && command.schedule.every !== 'live') return scheduleRefusal(`Alerts as ${describeSchedule(command.schedule)}`, ctx);
      let prior: Subscription | undefined;
      try {
        prior = await subs.get(ctx.platform, ctx.channel);
      } catch (err) {
        return notChanged(err);
      }
      const notes: string[] = [];
      if (command.schedule) {
        // schedule:live: the only schedule here, unless the subscription was imported with another.
        if (prior?.schedule && prior.schedule.every !== 'live') return scheduleRefusal('Going back to alerts as they happen', ctx);
        notes.push(sameScheduleNote(command.schedule));
      }
      const plan = planSubscribe(command, prior, ctx);
      try {
        const sub = await subs.create({ platform: ctx.platform, channel: ctx.channel, ...plan.save }, ctx.now?.());
        return subscribedReply(sub, plan, [...plan.notes, ...notes], false);
      } catch (err) {
        return notChanged(err);
      }
    }
    case 'unsubscribe': {
      try {
        const prior = await subs.get(ctx.platform, ctx.channel);
        const plan = planUnsubscribe(command, prior, ctx);
        if ('reply' in plan) return plan.reply;
        const left = await leave(shared, prior!, plan.change.next, ctx);
        return unsubscribedReply(command, plan.change, left, ctx);
      } catch (err) {
        return notChanged(err);
      }
    }
    case 'watch': {
      if (command.action === 'list') {
        try {
          return watchReplies.list(await subs.watchTerms(ctx.platform, ctx.channel), ctx);
        } catch (err) {
          return notRead(err);
        }
      }
      let done: boolean;
      try {
        done = command.action === 'add' ? await subs.addWatch(ctx.platform, ctx.channel, command.term, ctx.user, ctx.now?.()) : await subs.removeWatch(ctx.platform, ctx.channel, command.term);
      } catch (err) {
        return notChanged(err);
      }
      return command.action === 'add' ? watchReplies.add(done, command.term, ctx) : watchReplies.remove(done, command.term);
    }
    case 'subscriptions': {
      let sub: Subscription | undefined;
      let terms: string[];
      try {
        [sub, terms] = await Promise.all([subs.get(ctx.platform, ctx.channel), subs.watchTerms(ctx.platform, ctx.channel)]);
      } catch (err) {
        return notRead(err);
      }
      // Scheduled summaries are not kept by the shared store (yet): alerts come as they happen.
      return subscriptionsView(sub, terms, ctx, 'as they come');
    }
    default:
      return handle(command, ctx);
  }
}

function scheduleRefusal(what: string, ctx: CommandContext): Reply {
  return textReply(
    `${what} is not available yet: scheduled summaries are not available with the PostgreSQL store (DATABASE_URL) yet, so nothing changed. Alerts come here as they happen; ${typedCommand(ctx, 'subscriptions')} shows what this channel follows.`,
    { error: true },
  );
}

/**
 * What is left after an unsubscribe, as SubscriptionStore.unsubscribe leaves it: the lists still followed (the rest
 * of the subscription kept), a subscription with no list while the channel watches terms, or none.
 */
async function leave(shared: SharedCommandStore, prior: Subscription, left: ReturnType<typeof changeTargets>['next'], ctx: CommandContext): Promise<Subscription | undefined> {
  const subs = shared.subscriptions;
  if (!left.targets.length && !(await subs.watchTerms(ctx.platform, ctx.channel)).length) {
    await subs.remove(ctx.platform, ctx.channel);
    return undefined;
  }
  return subs.create(
    {
      platform: ctx.platform,
      channel: ctx.channel,
      targets: left.targets,
      excluded: left.targets.length ? left.excluded : [],
      kinds: prior.kinds,
      countries: prior.countries,
      health: prior.health,
      ...(prior.createdBy ? { by: prior.createdBy } : {}),
    },
    ctx.now?.(),
  );
}
