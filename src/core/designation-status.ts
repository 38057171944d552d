/**
 * A designation's status on a given day. The store keeps what the announcements said; a suspension with an
 * end date says nothing about the days after it: when it has run out and no later announcement extended it
 * or stopped the measures, the measures apply again (a suspension is not a removal: China's UEL suspensions
 * are "暂停…相关措施…N天/1年", after which the listing's measures are in force unless extended).
 *
 * So a suspended designation whose `until` is before today reads as active, and its history gains the step
 * "active again from <until>", so that a card shows the listing, each suspension with the announcement that
 * made it, and the end of the last one.
 */
import type { DesignationStep } from './model';

export interface StatusLine {
  status: 'active' | 'removed' | 'suspended';
  until?: string;
  notes?: string;
  history?: DesignationStep[];
}

/** Today's date (YYYY-MM-DD, UTC) of a clock. */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Whether a suspension has run out on `today`: it ended on `until`, the day the measures apply again. */
export function suspensionLapsed(d: { status: string; until?: string | null }, today: string): boolean {
  return d.status === 'suspended' && !!d.until && d.until <= today;
}

/** The status a designation has on `today` (YYYY-MM-DD). */
export function statusOn(status: string, until: string | null | undefined, today: string): string {
  return suspensionLapsed({ status, until }, today) ? 'active' : status;
}

/** The line as it stands on `today`: a lapsed suspension becomes active again, and says so. */
export function lineOn<T extends StatusLine>(line: T, today: string): T {
  if (!suspensionLapsed(line, today)) return line;
  const ended = line.until!;
  const history: DesignationStep[] = [...(line.history ?? [{ status: 'suspended', until: ended }])];
  history.push({ status: 'active', from: ended });
  const note = `Suspension ended ${ended}: the measures apply again (no later announcement read extends it).`;
  const out: T = { ...line, status: 'active', history, notes: line.notes ? `${line.notes}\n${note}` : note };
  delete out.until;
  return out;
}
