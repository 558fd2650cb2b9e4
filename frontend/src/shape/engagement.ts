/** Engagements: which one the Type II page shows, and how their facts read. */
import type { EngagementKind, EngagementSummary } from "../api/types";
import { formatDateTime, startOfUtcDay, toDateInputValue } from "./dates";

/** The Type II page's picker value for "no engagement: pick a framework and days". */
export const CUSTOM_PERIOD = "custom";

export const KIND_LABEL: Readonly<Record<EngagementKind, string>> = { TYPE1: "Type I", TYPE2: "Type II" };

export function type2Engagements<E extends Pick<EngagementSummary, "kind">>(list: readonly E[]): E[] {
  return list.filter((e) => e.kind === "TYPE2");
}

type Period = Pick<EngagementSummary, "id" | "kind" | "periodStart" | "periodEnd">;

/**
 * The current Type II engagement at `now`: the one whose period is running (the latest started,
 * when several are), else the one that ended last (its fieldwork follows its period). An
 * engagement whose period has not begun is nobody's current one; neither is a Type I.
 */
export function currentEngagement<E extends Period>(engagements: readonly E[], now: Date): E | null {
  const t = now.getTime();
  const dated = type2Engagements(engagements).filter(
    (e) => !Number.isNaN(Date.parse(e.periodStart ?? "")) && !Number.isNaN(Date.parse(e.periodEnd ?? "")),
  );
  const start = (e: E): number => Date.parse(e.periodStart!);
  const end = (e: E): number => Date.parse(e.periodEnd!);
  const latest = (list: E[], key: (e: E) => number): E | null =>
    list.reduce<E | null>(
      (best, e) => (!best || key(e) > key(best) || (key(e) === key(best) && e.id < best.id) ? e : best),
      null,
    );
  const running = dated.filter((e) => start(e) <= t && t < end(e));
  if (running.length) return latest(running, start);
  return latest(
    dated.filter((e) => end(e) <= t),
    end,
  );
}

/**
 * The engagement the Type II page shows, or null for a custom period (the last 12 months). The
 * URL's `engagement` wins ("custom" included); a link that names a framework or days without one is
 * a custom period (the page's links from before engagements); otherwise the current engagement.
 */
export function periodChoice(
  params: Readonly<Record<string, string>>,
  engagements: readonly Period[],
  now: Date,
): string | null {
  if (params.engagement) return params.engagement === CUSTOM_PERIOD ? null : params.engagement;
  if (params.framework || params.start || params.end) return null;
  return currentEngagement(engagements, now)?.id ?? null;
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
