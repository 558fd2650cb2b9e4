/** Engagements: which one the Type II page shows, and how their facts read. */
import type { EngagementKind, EngagementSummary } from "../api/types";
import { formatDateTime, startOfUtcDay, toDateInputValue } from "./dates";

/** The Type II page's picker value for "no engagement: pick a framework and days". */
export const CUSTOM_PERIOD = "custom";

export const KIND_LABEL: Readonly<Record<EngagementKind, string>> = { TYPE1: "Type I", TYPE2: "Type II" };

export function type2Engagements<E extends Pick<EngagementSummary, "kind">>(list: readonly E[]): E[] {
  return list.filter((e) => e.kind === "TYPE2");
}

/**
 * The engagement the Type II page shows, or null for a custom period. The URL's `engagement` wins
 * ("custom" included); a link that names a framework or days without one is a custom period (the
 * page's links from before engagements); otherwise the first Type II engagement, if any.
 */
export function periodChoice(
  params: Readonly<Record<string, string>>,
  engagements: readonly Pick<EngagementSummary, "id" | "kind">[],
): string | null {
  if (params.engagement) return params.engagement === CUSTOM_PERIOD ? null : params.engagement;
  if (params.framework || params.start || params.end) return null;
  return type2Engagements(engagements)[0]?.id ?? null;
}

/** "Type II, 2025-11-20 12:00 UTC to 2026-11-20 12:00 UTC (end excluded)" or "Type I, as of …". */
export function engagementWhen(e: Pick<EngagementSummary, "kind" | "asOf" | "periodStart" | "periodEnd">): string {
  if (e.kind === "TYPE1") return `${KIND_LABEL.TYPE1}, as of ${formatDateTime(e.asOf)}`;
  return `${KIND_LABEL.TYPE2}, ${formatDateTime(e.periodStart)} to ${formatDateTime(e.periodEnd)} (end excluded)`;
}

/**
 * The criterion page's as-of day for a link from an engagement: the reference instant's day when
 * it lies before today, none (now) otherwise. The criterion page reads a day as its end, so a
 * past reference instant is shown at the end of its day.
 */
export function criterionAsOfDay(referenceInstant: string, now: Date): string | null {
  const t = Date.parse(referenceInstant);
  if (Number.isNaN(t) || t >= startOfUtcDay(now).getTime()) return null;
  return toDateInputValue(new Date(t));
}

/** The boundary in words: the API answers null when the engagement lists no asset (every asset is in scope). */
export function boundaryWords(boundary: readonly string[] | null): string {
  if (boundary === null) return "every asset";
  return `${boundary.length} asset${boundary.length === 1 ? "" : "s"}`;
}
