/**
 * Slack's replay window, both ways: a request whose x-slack-request-timestamp is more than five minutes from
 * now is refused. Bolt's own check refuses only old timestamps; one from the future (a request captured and
 * signed ahead, or a clock far off) would otherwise be accepted for as long as it lies ahead.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** Slack's window: five minutes either side of now. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** Is this header value within the window? A missing or non-numeric header is left to Bolt (it refuses it). */
export function withinWindow(header: string | string[] | undefined, nowMs: number): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value.trim())) return true;
  return Math.abs(Number(value) - Math.floor(nowMs / 1000)) <= MAX_SKEW_SECONDS;
}

/** Wrap Bolt's request listener: answer 401, and nothing else, to a request outside the window. */
export function refuseOutsideWindow(listener: RequestListener, onRefused: (timestamp: string) => void, now: () => number = Date.now): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const header = req.headers['x-slack-request-timestamp'];
    if (!withinWindow(header, now())) {
      onRefused(String(header));
      req.resume();
      res.writeHead(401).end();
      return;
    }
    listener(req, res);
  };
}
