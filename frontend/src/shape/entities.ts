/** Pure helpers of the control, vendor and evidence pages (unit-tested in test/unit/entities.test.ts). */
import { compareRefs } from "./coverage";

/** Criteria grouped by framework name (frameworks by name, criteria in the framework's own order). */
export function byFramework<C extends { id: string; ref: string; framework: { id: string; name: string } | null }>(
  criteria: readonly C[],
): { framework: string; criteria: C[] }[] {
  const groups = new Map<string, C[]>();
  for (const c of criteria) {
    const name = c.framework?.name ?? "Unknown framework";
    groups.set(name, [...(groups.get(name) ?? []), c]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([framework, list]) => ({ framework, criteria: list.sort((a, b) => compareRefs(a.ref, b.ref)) }));
}

/** An evidence item's review state, as the timeline says it: the latest review, or pending. */
export function reviewState(item: {
  status: string;
  reviews: readonly { decision: string; reviewer: string; at: string }[];
}): { label: string; by: string | null; at: string | null } {
  const latest = item.reviews.at(-1) ?? null;
  const label = item.status.toLowerCase() === "pending" ? "pending review" : item.status.toLowerCase();
  return { label, by: latest?.reviewer ?? null, at: latest?.at ?? null };
}

/** The gap intervals of a period, merged where they touch (a daily control's 30 gaps in a row are one run). */
export function gapRuns(intervals: readonly { start: string; end: string; isGap: boolean }[]): {
  start: string;
  end: string;
  count: number;
}[] {
  const runs: { start: string; end: string; count: number }[] = [];
  for (const i of intervals) {
    if (!i.isGap) continue;
    const last = runs.at(-1);
    if (last && last.end === i.start) {
      last.end = i.end;
      last.count += 1;
    } else runs.push({ start: i.start, end: i.end, count: 1 });
  }
  return runs;
}

/** The Type II periods a control page offers: the engagements' periods, newest first, then the last 12 months. */
export function periodChoices(
  engagements: readonly {
    id: string;
    name: string;
    kind: string;
    periodStart: string | null;
    periodEnd: string | null;
  }[],
  last12: { start: string; end: string },
): { value: string; label: string; start: string; end: string }[] {
  const typeII = engagements
    .filter((e) => e.kind === "TYPE2" && e.periodStart && e.periodEnd)
    .sort((a, b) => Date.parse(b.periodEnd!) - Date.parse(a.periodEnd!) || a.id.localeCompare(b.id))
    .map((e) => ({ value: e.id, label: e.name, start: e.periodStart!, end: e.periodEnd! }));
  return [...typeII, { value: "last12", label: "Last 12 months", ...last12 }];
}
