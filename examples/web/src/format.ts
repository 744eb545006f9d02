/** Dates as people read them, in their own locale and time zone. */
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatDate(iso: string | Date): string {
  return DATE.format(new Date(iso));
}

export function formatDateTime(iso: string | Date): string {
  return DATE_TIME.format(new Date(iso));
}

/**
 * "3 minutes ago", "in 2 days": whole units only, counted down as a clock does — 36 hours is "1
 * day", never rounded up to 2 — so that every list says the same of the same moment, and an
 * access ending in 13 days is not "in 2 weeks".
 */
export function formatRelative(iso: string | Date, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 86400],
    ['month', 30 * 86400],
    ['week', 7 * 86400],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.trunc(seconds / size), unit);
  }
  return RELATIVE.format(0, 'second');
}

/** A `<input type="date">` value for a moment, in local time. */
export function toDateInput(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * "Access until 31 March": the end of that day, local time, as the instant the API takes. The
 * same day reads back from it, so what is typed is what is shown.
 */
export function endOfDay(dateInput: string): string {
  const [y, m, d] = dateInput.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 59, 999).toISOString();
}

export function todayInput(offsetDays = 0): string {
  return toDateInput(new Date(Date.now() + offsetDays * 86400_000));
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A total as the list shows it: "1,234", or "10,000+" when the server counted only that far. */
export function formatTotal(total: number, lowerBound = false): string {
  return `${total.toLocaleString('en-US')}${lowerBound ? '+' : ''}`;
}
