/** Date helpers. Every instant the API speaks is UTC; so does the dashboard. */

export const DAY_MS = 86_400_000;

const pad = (n: number): string => String(n).padStart(2, "0");

/** "YYYY-MM-DD" of an instant, in UTC (the value an <input type=date> takes). */
export function toDateInputValue(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** "YYYY-MM-DDTHH:MM" of an instant, in UTC (the value an <input type=datetime-local> takes). */
export function toDateTimeInputValue(date: Date): string {
  return `${toDateInputValue(date)}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

/** Read an <input type=datetime-local> value as UTC; null when empty or malformed. */
export function fromDateTimeInputValue(value: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) return null;
  const iso = `${match[1]}T${match[2]}:${match[3]}:${match[4] ?? "00"}Z`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

export function isDateInputValue(value: string | null | undefined): value is string {
  return !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/**
 * The `asOf` to ask for when the user picks a day: none (the service's "now") for today or
 * no pick, else the last second of that UTC day, so the day's evidence counts.
 */
export function asOfFromDateInput(value: string | null | undefined, now: Date): string | null {
  if (!isDateInputValue(value)) return null;
  if (value === toDateInputValue(now)) return null;
  return `${value}T23:59:59Z`;
}

export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Add calendar months in UTC, clamping to the last day of a shorter month (Mar 31 − 1 → Feb 28). */
export function addMonthsUtc(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(date.getUTCDate(), lastDay),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
    ),
  );
}

/**
 * The default Type II period: the 12 months ending with yesterday (inclusive), as dates. Today's
 * interval is still open: a daily control whose run is due later today is not a gap yet.
 */
export function defaultPeriod(now: Date): { start: string; end: string } {
  const today = startOfUtcDay(now);
  const start = addMonthsUtc(today, -12);
  return { start: toDateInputValue(start), end: toDateInputValue(new Date(today.getTime() - DAY_MS)) };
}

/** Inclusive start and end days → the half-open instant range [start 00:00, day after end 00:00). */
export function periodRange(startDay: string, endDay: string): { start: string; end: string } {
  const end = new Date(Date.parse(`${endDay}T00:00:00Z`) + DAY_MS);
  return { start: `${startDay}T00:00:00Z`, end: end.toISOString().replace(".000Z", "Z") };
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : toDateInputValue(new Date(t));
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${toDateTimeInputValue(new Date(t)).replace("T", " ")} UTC`;
}

/** Whole days from `from` to `to` (floored; negative when `to` is earlier). */
export function daysBetween(from: string | Date, to: string | Date): number {
  const a = typeof from === "string" ? Date.parse(from) : from.getTime();
  const b = typeof to === "string" ? Date.parse(to) : to.getTime();
  return Math.floor((b - a) / DAY_MS);
}
