/** Shaping coverage reports for the overview and the criterion page. */
import type { CategoryCounts, CoverageStatus, StatusCounts } from "../api/types";

export const STATUS_RANK: Readonly<Record<CoverageStatus, number>> = { UNCOVERED: 0, PARTIAL: 1, COVERED: 2 };

export const STATUS_LABEL: Readonly<Record<CoverageStatus, string>> = {
  UNCOVERED: "Uncovered",
  PARTIAL: "Partial",
  COVERED: "Covered",
};

/** SOC 2's five Trust Services Categories in the order the TSC lists them. */
export const SOC2_CATEGORY_ORDER = ["Security", "Availability", "Processing Integrity", "Confidentiality", "Privacy"];

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Natural order of official refs: CC1.2 < CC1.10, A.5.9 < A.5.10. */
export function compareRefs(a: string, b: string): number {
  return collator.compare(a, b);
}

/** Worst first (UNCOVERED, PARTIAL, COVERED), then by ref. Does not change the input. */
export function sortWorstFirst<T extends { status: CoverageStatus; ref: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || compareRefs(a.ref, b.ref));
}

/** The criteria that need attention: UNCOVERED ones, then PARTIAL ones. */
export function worstCriteria<T extends { status: CoverageStatus; ref: string }>(rows: readonly T[]): T[] {
  return sortWorstFirst(rows.filter((r) => r.status !== "COVERED"));
}

/**
 * Categories in a sensible order: SOC 2's five in TSC order first; any other category in the
 * order it first appears in the catalog (`catalog`: criteria in catalog order), else by name.
 */
export function orderCategories<T extends { category: string }>(
  rows: readonly T[],
  catalog: readonly { category: string }[] = [],
): T[] {
  const firstSeen = new Map<string, number>();
  catalog.forEach((c, i) => {
    if (!firstSeen.has(c.category)) firstSeen.set(c.category, i);
  });
  const rank = (c: string): number => {
    const i = SOC2_CATEGORY_ORDER.indexOf(c);
    if (i !== -1) return i;
    const seen = firstSeen.get(c);
    return seen === undefined ? Number.MAX_SAFE_INTEGER : SOC2_CATEGORY_ORDER.length + seen;
  };
  return [...rows].sort((a, b) => rank(a.category) - rank(b.category) || collator.compare(a.category, b.category));
}

/** SOC 2 first (the audit this dashboard is for), then the others by name. */
export function orderFrameworks<T extends { id: string; name: string }>(frameworks: readonly T[]): T[] {
  const soc2 = (f: T): number => (f.id.startsWith("soc2") ? 0 : 1);
  return [...frameworks].sort((a, b) => soc2(a) - soc2(b) || collator.compare(a.name, b.name));
}

/** Share of `part` in `total` as a whole percentage (0 when total is 0). */
export function percent(part: number, total: number): number {
  return total > 0 ? Math.round((part / total) * 100) : 0;
}

/** Widths (in %) of the covered / partial / uncovered parts of a stacked bar; they add up to 100. */
export function barShares(counts: StatusCounts): { covered: number; partial: number; uncovered: number } {
  if (counts.total <= 0) return { covered: 0, partial: 0, uncovered: 0 };
  const covered = (counts.covered / counts.total) * 100;
  const partial = (counts.partial / counts.total) * 100;
  return { covered, partial, uncovered: Math.max(0, 100 - covered - partial) };
}

/** The worst status present in a category (for its badge). */
export function categoryStatus(counts: CategoryCounts | StatusCounts): CoverageStatus {
  if (counts.total > 0 && counts.uncovered === counts.total) return "UNCOVERED";
  if (counts.covered === counts.total) return "COVERED";
  return "PARTIAL";
}

/** "+2", "−1", "0": the change of a count, with a real minus sign. */
export function signed(delta: number): string {
  if (delta > 0) return `+${delta}`;
  if (delta < 0) return `\u2212${Math.abs(delta)}`;
  return "0";
}
