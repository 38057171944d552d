/** Timestamps for people: an ISO instant shown as "YYYY-MM-DD HH:MM" (UTC), or to the second. */
export function shownTime(iso: string | null | undefined, precision: 'minute' | 'second' = 'minute', none = ''): string {
  if (!iso) return none;
  return iso.slice(0, precision === 'minute' ? 16 : 19).replace('T', ' ');
}
