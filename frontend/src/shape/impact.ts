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

/** How many distinct evidence items go stale (the report lists one row per item and asset). */
export function staleItemCount(rows: readonly { evidenceId: string }[]): number {
  return new Set(rows.map((r) => r.evidenceId)).size;
}

/** The confirmation asked before recording: names the asset, the instant and what goes stale. */
export function recordQuestion(assetName: string, assetId: string, at: string, staleItems: number): string {
  const name = assetName === assetId ? assetId : `${assetName} (${assetId})`;
  const items = `${staleItems} evidence item${staleItems === 1 ? "" : "s"}`;
  return `Record a change of ${name} at ${at}? ${items} will go stale.`;
}

export interface RecordedChangeFacts {
  at: string;
  kind: string;
  note: string | null;
  /** The instant just before the mutation was sent: the new record was stamped at or after it. */
  sentAt: number;
}

/**
 * The change the dashboard just recorded, among an asset's history: at the instant asked, of the
 * kind and note given, not propagated from another asset, stamped after the request left (the
 * newest such stamp wins: two identical records in a row point at the later).
 */
export function findRecordedChange<
  C extends {
    id: string;
    at: string;
    kind: string;
    note?: string | null;
    propagatedFrom?: string | null;
    recordedAt?: string | null;
  },
>(changes: readonly C[], facts: RecordedChangeFacts): C | null {
  // The service stamps with its own clock: allow it to run a little behind ours.
  const earliest = facts.sentAt - 60_000;
  let best: C | null = null;
  for (const c of changes) {
    if (Date.parse(c.at) !== Date.parse(facts.at) || c.propagatedFrom || c.kind !== facts.kind) continue;
    if ((c.note ?? null) !== facts.note) continue;
    const stamped = c.recordedAt ? Date.parse(c.recordedAt) : Number.NaN;
    if (!(stamped >= earliest)) continue;
    if (!best || stamped > Date.parse(best.recordedAt!)) best = c;
  }
  return best;
}
