/**
 * When a channel takes its alerts: as they come (live, the default), or as one summary a day or a week at a
 * local time of a time zone it names ("daily at 08:00 Europe/Berlin", "weekly on Mondays at 09:00
 * America/New_York"). Times are computed with Intl's time zones, so a summary stays at 08:00 local time across
 * daylight-saving changes (a time that does not exist that day, in the spring gap, falls an hour later).
 */

export type Schedule =
  | { every: 'live' }
  | { every: 'daily'; at: string; tz: string }
  /** day: 1 Monday .. 7 Sunday (ISO). */
  | { every: 'weekly'; day: number; at: string; tz: string };

export const LIVE: Schedule = { every: 'live' };
export const DEFAULT_AT = '08:00';
export const DEFAULT_TZ = 'UTC';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_NAMES = ['Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'];

/** A time zone Intl knows ("Europe/Berlin", "UTC"), in its canonical spelling; undefined otherwise. */
export function timeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** "08:00", "8:00", "0800" -> "08:00"; undefined when not a time of day. */
export function timeOfDay(text: string): string | undefined {
  const m = text.trim().match(/^(\d{1,2}):?(\d{2})$/);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return undefined;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** "mon", "Monday", "1" (ISO) -> 1..7. */
export function weekDay(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^[1-7]$/.test(t)) return Number(t);
  const i = DAYS.findIndex((d) => t.slice(0, 3) === d);
  return i >= 0 ? i + 1 : undefined;
}

/** The options a command gave, made one schedule (or the reason it cannot be). */
export function scheduleFrom(options: { schedule?: string; at?: string; day?: string; tz?: string }): { ok: true; schedule: Schedule } | { ok: false; problem: string } {
  const every = (options.schedule ?? (options.day ? 'weekly' : options.at || options.tz ? 'daily' : 'live')).toLowerCase();
  if (every !== 'live' && every !== 'daily' && every !== 'weekly') return { ok: false, problem: `schedule is live, daily or weekly; got "${options.schedule}"` };
  if (every === 'live') {
    if (options.at || options.day || options.tz) return { ok: false, problem: 'at:, day: and tz: go with schedule:daily or schedule:weekly' };
    return { ok: true, schedule: LIVE };
  }
  const at = timeOfDay(options.at ?? DEFAULT_AT);
  if (!at) return { ok: false, problem: `at: is a time of day such as 08:00; got "${options.at}"` };
  const tz = timeZone(options.tz ?? DEFAULT_TZ);
  if (!tz) return { ok: false, problem: `tz: is a time zone such as Europe/Berlin or America/New_York; got "${options.tz}"` };
  if (every === 'daily') {
    if (options.day) return { ok: false, problem: 'day: goes with schedule:weekly' };
    return { ok: true, schedule: { every, at, tz } };
  }
  const day = weekDay(options.day ?? 'mon');
  if (!day) return { ok: false, problem: `day: is a day of the week such as mon; got "${options.day}"` };
  return { ok: true, schedule: { every, day, at, tz } };
}

/** "as they come", "a daily summary at 08:00 (Europe/Berlin)", "a weekly summary on Mondays at 09:00 (America/New_York)". */
export function describeSchedule(s: Schedule): string {
  if (s.every === 'live') return 'as they come';
  if (s.every === 'daily') return `a daily summary at ${s.at} (${s.tz})`;
  return `a weekly summary on ${DAY_NAMES[s.day - 1]} at ${s.at} (${s.tz})`;
}

/** The command words that set this schedule again ("schedule:daily at:08:00 tz:Europe/Berlin"). */
export function scheduleWords(s: Schedule): string {
  if (s.every === 'live') return 'schedule:live';
  if (s.every === 'daily') return `schedule:daily at:${s.at} tz:${s.tz}`;
  return `schedule:weekly day:${DAYS[s.day - 1]} at:${s.at} tz:${s.tz}`;
}

interface Local {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 1 Monday .. 7 Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of an instant in a time zone. */
export function localTime(at: Date, tz: string): Local {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formatters.set(tz, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: DAYS.indexOf(String(parts.weekday).toLowerCase().slice(0, 3) as (typeof DAYS)[number]) + 1,
  };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(at: number, tz: string): number {
  const l = localTime(new Date(at), tz);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute) - Math.floor(at / 60_000) * 60_000;
}

/** The instant a wall-clock time of a zone happens (the earlier one when the clock goes back; later, in a spring gap). */
export function instantOf(year: number, month: number, day: number, hour: number, minute: number, tz: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - offsetAt(wall, tz);
  const second = wall - offsetAt(first, tz);
  if (second === first) {
    // The earlier of two (the hour that repeats in autumn): an hour before, if that is the same wall time too.
    const earlier = first - 3_600_000;
    if (wall - offsetAt(earlier, tz) === earlier) return new Date(earlier);
    return new Date(first);
  }
  // In a spring gap neither guess keeps its wall time: take the later instant (the time "moved on" by the gap).
  const settled = wall - offsetAt(second, tz);
  return new Date(settled === second ? second : Math.max(first, second));
}

/** The first summary time strictly after `after` (undefined for live). */
export function nextSummary(s: Schedule, after: Date): Date | undefined {
  if (s.every === 'live') return undefined;
  const [hour, minute] = s.at.split(':').map(Number) as [number, number];
  const today = localTime(after, s.tz);
  // Walk the zone's calendar days from today: at most 8 for a weekly schedule.
  for (let i = 0; i <= 8; i++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    const weekday = ((d.getUTCDay() + 6) % 7) + 1;
    if (s.every === 'weekly' && weekday !== s.day) continue;
    const at = instantOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hour, minute, s.tz);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error(`no summary time found after ${after.toISOString()} for ${scheduleWords(s)}`);
}

/** The summary time at or before `at` that opened the current period (for a new schedule: where it counts from). */
export function previousSummary(s: Schedule, at: Date): Date | undefined {
  if (s.every === 'live') return undefined;
  const span = s.every === 'daily' ? 86_400_000 : 7 * 86_400_000;
  // A period lasts a day or a week, give or take a daylight-saving hour: step back a little over one and walk forward.
  let t = nextSummary(s, new Date(at.getTime() - span - 2 * 3_600_000))!;
  for (;;) {
    const n = nextSummary(s, t)!;
    if (n.getTime() > at.getTime()) return t;
    t = n;
  }
}
