// A requiring policy's start date (`enforceFrom`): chosen as a day in a date field, sent as
// that day's local midnight, from tomorrow to a year ahead (the server allows 365 days).

/** `YYYY-MM-DD` of `date` in local time, as a date field holds it. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local midnight that begins `day` (`YYYY-MM-DD`), as an ISO 8601 instant. */
export function dayStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toISOString();
}

/** The days that may be chosen: tomorrow to a year from today. */
export function startDateRange(): { min: string; max: string } {
  const day = new Date();
  day.setDate(day.getDate() + 1);
  const min = localDay(day);
  day.setDate(day.getDate() + 364);
  return { min, max: localDay(day) };
}

/**
 * Whether `day` may be saved: none, a day in the range, or the day already stored (which the
 * server takes back unchanged even once it has passed).
 */
export function startDateAllowed(day: string, stored: string): boolean {
  const { min, max } = startDateRange();
  return day === '' || day === stored || (day >= min && day <= max);
}
