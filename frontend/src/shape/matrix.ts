/** The criteria matrix: every criterion of a framework in its own order, filtered, and its CSV. */
import type { CoverageRow, CoverageStatus } from "../api/types";
import { STATUS_LABEL } from "./coverage";
import { toCsv } from "./csv";
import { NO_OWNER, ownerText } from "./owner";

/**
 * Ids in the order people read them, the store's natural order (graph/model/ordering.py
 * `natural_key`): digit runs compare as numbers, so CC1.10 follows CC1.9.
 */
export function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/).filter((p) => p !== "");
  const pb = b.split(/(\d+)/).filter((p) => p !== "");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    const xn = /^\d/.test(x);
    const yn = /^\d/.test(y);
    if (xn !== yn) return xn ? 1 : -1; // a text part sorts before a number part, as natural_key does
    const d = xn ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (d !== 0) return d;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

export interface MatrixRow extends CoverageRow {
  /** The distinct owners of its controls ("no owner set" for an empty one), in natural order. */
  owners: string[];
}

export interface MatrixFilter {
  status: CoverageStatus | null;
  category: string | null;
  owner: string | null;
}

/** The framework's criteria in natural id order, each with its controls' owners. */
export function matrixRows(rows: readonly CoverageRow[], ownerOf: ReadonlyMap<string, string>): MatrixRow[] {
  return [...rows]
    .sort((a, b) => naturalCompare(a.criterionId, b.criterionId))
    .map((r) => ({
      ...r,
      owners: [...new Set(r.controls.map((c) => ownerText(ownerOf.get(c.controlId))))].sort(naturalCompare),
    }));
}

export function filterMatrix(rows: readonly MatrixRow[], f: MatrixFilter): MatrixRow[] {
  return rows.filter(
    (r) =>
      (!f.status || r.status === f.status) &&
      (!f.category || r.category === f.category) &&
      (!f.owner || r.owners.includes(f.owner)),
  );
}

/** The categories in the order they first appear (the framework's own order). */
export function matrixCategories(rows: readonly MatrixRow[]): string[] {
  return [...new Set(rows.map((r) => r.category).filter((c) => c !== ""))];
}

/** The owners seen, alphabetically, "no owner set" last. */
export function matrixOwners(rows: readonly MatrixRow[]): string[] {
  const all = new Set(rows.flatMap((r) => r.owners));
  const named = [...all].filter((o) => o !== NO_OWNER).sort((a, b) => a.localeCompare(b));
  return all.has(NO_OWNER) ? [...named, NO_OWNER] : named;
}

export const MATRIX_COLUMNS = [
  "Criterion",
  "Ref",
  "Title",
  "Category",
  "Status",
  "Carved out",
  "Via crosswalk",
  "Controls",
  "Owners",
  "Reason",
] as const;

/** One row's cells, as the table shows them (and the CSV writes them). */
export function matrixCells(r: MatrixRow): string[] {
  return [
    r.criterionId,
    r.ref,
    r.title,
    r.category,
    STATUS_LABEL[r.status],
    r.carvedOut ? "yes" : "no",
    r.derived ? "yes" : "no",
    r.controls.map((c) => c.controlId).join(" "),
    r.owners.join("; "),
    r.reason,
  ];
}

export function matrixCsv(rows: readonly MatrixRow[]): string {
  return toCsv(MATRIX_COLUMNS, rows.map(matrixCells));
}

export function matrixFileName(framework: string, asOf: string): string {
  return `coverage-matrix-${framework}-${asOf.slice(0, 10)}.csv`;
}
