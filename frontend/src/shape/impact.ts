/** Shaping impact reports (what a change would do / did). */
import type { CoverageStatus, FrameworkDelta, StatusCounts } from "../api/types";
import { STATUS_RANK } from "./coverage";

export type Direction = "worse" | "better" | "same";

export function direction(before: CoverageStatus, after: CoverageStatus): Direction {
  const d = STATUS_RANK[after] - STATUS_RANK[before];
  return d < 0 ? "worse" : d > 0 ? "better" : "same";
}

export interface CountDelta {
  key: keyof Omit<StatusCounts, "total">;
  before: number;
  after: number;
  delta: number;
}

export function countDeltas(before: StatusCounts, after: StatusCounts): CountDelta[] {
  return (["covered", "partial", "uncovered"] as const).map((key) => ({
    key,
    before: before[key],
    after: after[key],
    delta: after[key] - before[key],
  }));
}

/** Frameworks with moves first (most criteria moved first), then by id. */
export function sortDeltas(frameworks: readonly FrameworkDelta[]): FrameworkDelta[] {
  return [...frameworks].sort(
    (a, b) => b.changes.length - a.changes.length || a.frameworkId.localeCompare(b.frameworkId),
  );
}

/** Stale evidence grouped by evidence id: one line per item, the assets it went stale for. */
export function groupStale<T extends { evidenceId: string; controlId: string; assetId: string }>(
  rows: readonly T[],
): { evidenceId: string; controlId: string; assetIds: string[]; first: T }[] {
  const groups = new Map<string, { evidenceId: string; controlId: string; assetIds: string[]; first: T }>();
  for (const r of rows) {
    const g = groups.get(r.evidenceId) ?? { evidenceId: r.evidenceId, controlId: r.controlId, assetIds: [], first: r };
    g.assetIds.push(r.assetId);
    groups.set(r.evidenceId, g);
  }
  return [...groups.values()].sort(
    (a, b) => a.controlId.localeCompare(b.controlId) || a.evidenceId.localeCompare(b.evidenceId),
  );
}
