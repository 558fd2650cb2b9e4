/**
 * Evidence observation periods (DESIGN.md "Period gaps"): a monitoring export or a check's history
 * observes `[periodStart, periodEnd)` and operates every Type II interval that span overlaps; any
 * other item operates the interval it was collected in.
 */
import { formatDate } from "./dates";

export interface ObservedSpan {
  start: string;
  end: string;
}

/** The span an item observed, or null when it records one instant only. */
export function observedSpan(ev: { periodStart?: string | null; periodEnd?: string | null }): ObservedSpan | null {
  return ev.periodStart && ev.periodEnd ? { start: ev.periodStart, end: ev.periodEnd } : null;
}

/** "observed 2025-11-01 → 2026-02-01" (the end is exclusive, as the API gives it). */
export function observedLabel(span: ObservedSpan): string {
  return `observed ${formatDate(span.start)} → ${formatDate(span.end)}`;
}

export interface OperatingItem {
  id: string;
  collectedAt: string;
  periodStart: string | null;
  periodEnd: string | null;
  status: string;
  supersededBy?: { id: string } | null;
}

/** What operated one interval: the items observing part of it, and those collected inside it. */
export interface IntervalOperation {
  observedBy: string[];
  collected: { id: string; at: string }[];
}

/** Only accepted, non-superseded items operate an interval (as the API counts them). */
function mayOperate(ev: OperatingItem): boolean {
  return ev.status === "ACCEPTED" && !ev.supersededBy;
}

/**
 * The items that operate `[start, end)`: observing when their span overlaps it (an observation that
 * ends exactly at the start does not), collected when `start <= collectedAt < end`. An item that
 * does both is named once, as observing.
 */
export function intervalOperation(
  interval: { start: string; end: string },
  evidence: readonly OperatingItem[],
): IntervalOperation {
  const s = Date.parse(interval.start);
  const e = Date.parse(interval.end);
  const observedBy: string[] = [];
  const collected: { id: string; at: string }[] = [];
  for (const ev of evidence) {
    if (!mayOperate(ev)) continue;
    const span = observedSpan(ev);
    if (span && Date.parse(span.start) < e && Date.parse(span.end) > s) {
      observedBy.push(ev.id);
      continue;
    }
    const at = Date.parse(ev.collectedAt);
    if (s <= at && at < e) collected.push({ id: ev.id, at: ev.collectedAt });
  }
  observedBy.sort();
  collected.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id));
  return { observedBy, collected };
}

/** How an interval (or a run of them) was operated: the kind decides the timeline's grouping. */
export type OperationKind = "gap" | "observed" | "collected" | "evidenced";

export function operationKind(isGap: boolean, op: IntervalOperation): OperationKind {
  if (isGap) return "gap";
  if (op.observedBy.length) return "observed";
  // The API counted evidence these items do not explain (beyond the first page): say only how many.
  return op.collected.length ? "collected" : "evidenced";
}

/** At most `max` names, then "and N more". */
function some(names: readonly string[], max: number): string {
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/**
 * "observed by ev-1, ev-2", "collected 2026-01-05, 2026-02-03", … for a run of intervals. With
 * `spans` (the items' observed spans by id), each observer is followed by its span.
 */
export function operationLabel(
  kind: OperationKind,
  op: IntervalOperation,
  intervals: number,
  evidenceCount: number,
  spans: ReadonlyMap<string, ObservedSpan> = new Map(),
): string {
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;
  switch (kind) {
    case "gap":
      return `gap: ${plural(intervals, "interval")} without accepted evidence`;
    case "observed": {
      const also = op.collected.length ? `; also collected ${some(collectedDays(op), 3)}` : "";
      const named = op.observedBy.map((id) => {
        const span = spans.get(id);
        return span ? `${id} (${formatDate(span.start)} → ${formatDate(span.end)})` : id;
      });
      return `observed by ${some(named, 3)}${also}`;
    }
    case "collected":
      return `collected ${some(collectedDays(op), 3)}`;
    case "evidenced":
      return plural(evidenceCount, "evidence item");
  }
}

function collectedDays(op: IntervalOperation): string[] {
  return [...new Set(op.collected.map((c) => formatDate(c.at)))];
}
