/**
 * The console adapter: the same commands as Slack and Discord on a terminal (or through pipes), and the
 * alerts of its own subscription printed as refreshes bring them. Thin: parsing and answers live in core.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AlertSink } from '../../core/alerts/delivery';
import { runCommandAsync, type SharedCommandStore } from '../../core/commands/shared-commands';
import { fileBytes } from '../../core/commands/reply';
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
  audit: boolean;
  user?: string;
  place?: string;
  /** Console-only "refresh": refresh the sources now. */
  refresh?: () => Promise<string>;
  /** Where a digest's files (CSV, Markdown) are written (default: sanctions-digests in the temp folder). */
  filesDir?: string;
  /** Called when the input ends, before the console stops printing (a last alert delivery pass). */
  beforeClose?: () => Promise<unknown>;
  /** The shared store (DATABASE_URL): the console's subscription, watch terms and audit trail are kept there. */
  shared?: SharedCommandStore;
}

export class ConsoleBot {
  private closed = false;

  /** Alerts for the console's own subscription: printed as they come. */
  readonly sink: AlertSink = {
    platform: 'console',
    deliver: async (_channel, reply) => {
      if (this.closed) return { ok: false, permanent: false, reason: 'the console has closed' };
      this.write(renderReply({ ...reply, blocks: [{ type: 'heading', text: 'Alert' }, ...reply.blocks] }, this.options.style));
      if (reply.files?.length) {
        try {
          const dir = this.options.filesDir ?? join(tmpdir(), 'sanctions-digests');
          mkdirSync(dir, { recursive: true });
          const paths = reply.files.map((f) => {
            // Names are ours ("sanctions-digest-<date>-<id>.csv"); anything else is reduced to a safe file name.
            const path = join(dir, f.name.replace(/[^A-Za-z0-9._-]/g, '_'));
            writeFileSync(path, fileBytes(f));
            return path;
          });
          const total = reply.alert?.total ? ` (${reply.alert.total} entries)` : '';
          this.write(this.options.style.dim(`The full digest${total}: ${paths.join(', ')}`));
        } catch (err) {
          this.write(`The digest's files could not be written: ${(err as Error).message}`);
        }
      }
      return { ok: true };
    },
  };

  constructor(private readonly options: ConsoleOptions) {}

  private write(text: string): void {
    if (!this.closed) this.options.output.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Answer lines until the input ends or "quit"; meanwhile print alerts every pollMs. */
  async run(): Promise<void> {
    const { interactive } = this.options;
    if (interactive) {
      this.write(this.options.style.bold('Sanctions screening console. Try "lookup Hikvision", "status", "subscribe cn", "help"; "quit" to leave.'));
      const notice = this.options.data().notice;
      if (notice) this.write(this.options.style.yellow(`! ${notice}`));
    }
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
      await this.options.beforeClose?.();
      this.closed = true;
      lines.close();
    }
  }

  async answer(line: string): Promise<void> {
    if (/^refresh$/i.test(line) && this.options.refresh) {
      this.write(await this.options.refresh());
      return;
    }
    const data = this.options.data();
    try {
      const reply = await runCommandAsync(line, {
        db: data.db,
        platform: 'console',
        channel: CONSOLE_CHANNEL,
        user: this.options.user,
        place: this.options.place,
        canManage: true,
        audit: this.options.audit,
        notice: data.notice,
        // The console may answer from the demo seed (labelled, a miss proves nothing); chat bots refuse.
        seed: data.seed,
        seedAnswers: true,
        ...(this.options.shared ? { shared: this.options.shared } : {}),
      });
      this.write(renderReply(reply, this.options.style));
    } catch (err) {
      this.write(`Something went wrong answering that: ${(err as Error).message}`);
    }
  }
}
