/**
 * The Type II page's shape: controls grouped by domain with their gap counts, and each control's
 * intervals summed per calendar month (UTC), so a daily control reads as twelve cells, not 365
 * slivers.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Nov 2025": a month name with its year (UTC). */
export function monthLabel(instant: number): string {
  const d = new Date(instant);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export interface MonthColumn {
  /** "2025-11" */
  key: string;
  label: string;
  /** The part of the month inside the period, as instants: [start, end). */
  start: number;
  end: number;
  /** Its share of the period (the columns' weights add up to 1). */
  weight: number;
}

/** One column per calendar month the period [start, end) touches, cut at the period's ends. */
export function monthColumns(periodStart: string, periodEnd: string): MonthColumn[] {
  const start = Date.parse(periodStart);
  const end = Date.parse(periodEnd);
  if (!(end > start)) return [];
  const columns: MonthColumn[] = [];
  const first = new Date(start);
  let monthStart = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1);
  while (monthStart < end) {
    const m = new Date(monthStart);
    const next = Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1);
    const from = Math.max(monthStart, start);
    const to = Math.min(next, end);
    columns.push({
      key: `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, "0")}`,
      label: monthLabel(monthStart),
      start: from,
      end: to,
      weight: (to - from) / (end - start),
    });
    monthStart = next;
  }
  return columns;
}

export interface MonthCell {
  key: string;
  label: string;
  /** Intervals overlapping the month (a quarterly interval counts in each month it spans). */
  intervals: number;
  gaps: number;
}

/** Each month's intervals and gap intervals: an interval counts in every month it overlaps. */
export function monthCells(
  intervals: readonly { start: string; end: string; isGap: boolean }[],
  columns: readonly MonthColumn[],
): MonthCell[] {
  return columns.map((c) => {
    let count = 0;
    let gaps = 0;
    for (const iv of intervals) {
      if (Date.parse(iv.start) < c.end && Date.parse(iv.end) > c.start) {
        count += 1;
        if (iv.isGap) gaps += 1;
      }
    }
    return { key: c.key, label: c.label, intervals: count, gaps };
  });
}

/** How a month reads: no interval, none a gap, some, or every one. */
export function cellState(cell: MonthCell): "none" | "ok" | "some" | "all" {
  if (cell.intervals === 0) return "none";
  if (cell.gaps === 0) return "ok";
  return cell.gaps === cell.intervals ? "all" : "some";
}

export interface GapRow {
  controlId: string;
  gaps: number;
  control?: { domain: string } | null;
}

export interface DomainGroup<R extends GapRow> {
  domain: string;
  rows: R[];
  gaps: number;
  /** Controls with at least one gap. */
  withGaps: number;
}

/** A control the API knows no domain of (deleted since) is grouped under this name. */
export const NO_DOMAIN = "No domain";

/** Controls by domain (each keeping the API's order); domains with the most gaps first, then by name. */
export function groupByDomain<R extends GapRow>(rows: readonly R[]): DomainGroup<R>[] {
  const groups = new Map<string, DomainGroup<R>>();
  for (const row of rows) {
    const domain = row.control?.domain || NO_DOMAIN;
    const g = groups.get(domain) ?? { domain, rows: [], gaps: 0, withGaps: 0 };
    g.rows.push(row);
    g.gaps += row.gaps;
    if (row.gaps > 0) g.withGaps += 1;
    groups.set(domain, g);
  }
  return [...groups.values()].sort((a, b) => b.gaps - a.gaps || a.domain.localeCompare(b.domain));
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
