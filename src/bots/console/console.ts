/**
 * The console adapter: the same commands as Slack and Discord on a terminal (or through pipes), and the
 * alerts of its own subscription printed as refreshes bring them. Thin: parsing and answers live in core.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { alertReplies } from '../../core/alerts/messages';
import { Router } from '../../core/alerts/route';
import { SubscriptionStore } from '../../core/alerts/subscriptions';
import { runCommand } from '../../core/commands/handle';
import type { DataHandle } from '../../core/dataset';
import { renderReply, type Style } from './render';

export const CONSOLE_CHANNEL = 'console';

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  data: () => DataHandle;
  style: Style;
  /** Show a prompt and a greeting (a terminal); off when piped. */
  interactive: boolean;
  /** How often to look for new alerts, in ms (0: never). */
  pollMs: number;
  audit: boolean;
  user?: string;
  place?: string;
  /** Console-only "refresh": refresh the sources now. */
  refresh?: () => Promise<string>;
}

export class ConsoleBot {
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: ConsoleOptions) {}

  private write(text: string): void {
    if (!this.closed) this.options.output.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Answer lines until the input ends or "quit"; meanwhile print alerts every pollMs. */
  async run(): Promise<void> {
    const { interactive, pollMs } = this.options;
    if (interactive) {
      this.write(this.options.style.bold('Sanctions screening console. Try "lookup Hikvision", "status", "subscribe cn", "help"; "quit" to leave.'));
      const notice = this.options.data().notice;
      if (notice) this.write(this.options.style.yellow(`! ${notice}`));
    }
    if (pollMs > 0) this.timer = setInterval(() => this.deliverAlerts(), pollMs);
    const lines = createInterface({ input: this.options.input, terminal: false });
    const prompt = () => interactive && this.options.output.write('> ');
    prompt();
    try {
      for await (const raw of lines) {
        const line = raw.trim();
        if (line) {
          if (/^(quit|exit|\\q)$/i.test(line)) break;
          await this.answer(line);
        }
        prompt();
      }
    } finally {
      if (this.timer) clearInterval(this.timer);
      this.deliverAlerts();
      this.closed = true;
      lines.close();
    }
  }

  async answer(line: string): Promise<void> {
    if (/^refresh$/i.test(line) && this.options.refresh) {
      this.write(await this.options.refresh());
      this.deliverAlerts();
      return;
    }
    const data = this.options.data();
    try {
      const reply = runCommand(line, {
        db: data.db,
        platform: 'console',
        channel: CONSOLE_CHANNEL,
        user: this.options.user,
        place: this.options.place,
        canManage: true,
        audit: this.options.audit,
        notice: data.notice,
      });
      this.write(renderReply(reply, this.options.style));
    } catch (err) {
      this.write(`Something went wrong answering that: ${(err as Error).message}`);
    }
  }

  /** Print what the console's subscription has not seen yet, and move its cursor past it. */
  deliverAlerts(): number {
    const data = this.options.data();
    if (data.seed || this.closed) return 0;
    const store = new SubscriptionStore(data.db);
    const sub = store.get('console', CONSOLE_CHANNEL);
    if (!sub || sub.pausedReason) return 0;
    const router = new Router(data.db);
    const events = router.eventsAfter(sub.cursor);
    if (!events.length) return 0;
    const selected = router.select(sub, events, router.watchIndex(store.watchTerms('console', CONSOLE_CHANNEL)));
    for (const reply of alertReplies(sub, selected)) this.write(renderReply({ ...reply, blocks: [{ type: 'heading', text: 'Alert' }, ...reply.blocks] }, this.options.style));
    store.advance(sub.id, events.at(-1)!.id);
    return selected.length;
  }
}
