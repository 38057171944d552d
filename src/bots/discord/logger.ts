/**
 * The little the Discord adapter needs from a logger: pino's (object, message) calls, so a pino logger can be
 * passed as it is. Without one, lines go to stderr.
 */
export interface Logger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  debug?(obj: Record<string, unknown>, msg: string): void;
}

function line(level: string) {
  return (obj: Record<string, unknown>, msg: string) => {
    const extra = Object.keys(obj).length ? ` ${JSON.stringify(obj)}` : '';
    process.stderr.write(`${level} ${msg}${extra}\n`);
  };
}

export const stderrLogger: Logger = { info: line('info'), warn: line('warn'), error: line('error') };

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
