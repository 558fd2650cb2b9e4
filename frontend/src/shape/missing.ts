/** The missing-evidence worklist: filter, sort, and the CSV of what is shown. */
import type { EvidenceState, MissingEvidenceRow } from "../api/types";
import { reportName } from "./carveout";
import { toCsv } from "./csv";
import { daysBetween, formatDate } from "./dates";
import { NO_OWNER, ownerText } from "./owner";

/** The order DESIGN.md checks reasons in (the first that holds is reported). */
export const REASON_ORDER: readonly EvidenceState[] = [
  "OPEN_FINDINGS",
  "STALE",
  "EXPIRED",
  "PENDING_REVIEW",
  "REJECTED",
  "NEVER_COLLECTED",
  "VENDOR_REPORT_EXPIRED",
  "VENDOR_REPORT_MISSING",
];

export const REASON_LABEL: Readonly<Record<EvidenceState, string>> = {
  OK: "OK",
  OPEN_FINDINGS: "Overdue scanner finding",
  STALE: "Stale (asset changed)",
  EXPIRED: "Expired",
  PENDING_REVIEW: "Pending review",
  REJECTED: "Rejected",
  NEVER_COLLECTED: "Never collected",
  VENDOR_REPORT_EXPIRED: "Vendor report expired (carve-out)",
  VENDOR_REPORT_MISSING: "Vendor report missing (carve-out)",
};

/** The owner filter's value for controls without an owner ("no owner set"). */
export { NO_OWNER } from "./owner";

export type WorklistSort = "overdue" | "reason";

export interface WorklistFilter {
  owner: string | null;
  reason: EvidenceState | null;
}

export function ownerOf(row: MissingEvidenceRow): string {
  return ownerText(row.control?.owner);
}

/** The distinct owners in the rows, alphabetically, "no owner set" last. */
export function owners(rows: readonly MissingEvidenceRow[]): string[] {
  const set = new Set(rows.map(ownerOf));
  const named = [...set].filter((o) => o !== NO_OWNER).sort((a, b) => a.localeCompare(b));
  return set.has(NO_OWNER) ? [...named, NO_OWNER] : named;
}

export function filterRows(rows: readonly MissingEvidenceRow[], filter: WorklistFilter): MissingEvidenceRow[] {
  return rows.filter(
    (r) => (!filter.owner || ownerOf(r) === filter.owner) && (!filter.reason || r.reason === filter.reason),
  );
}

/** Never collected is the most overdue of all (it has no `since`): first; other rows without one last. */
function bySinceAscNullLast(a: MissingEvidenceRow, b: MissingEvidenceRow): number {
  const never = (r: MissingEvidenceRow): number => (r.reason === "NEVER_COLLECTED" ? 0 : 1);
  if (never(a) !== never(b)) return never(a) - never(b);
  if (a.since === b.since) return 0;
  if (a.since === null) return 1;
  if (b.since === null) return -1;
  return Date.parse(a.since) - Date.parse(b.since);
}

function byIds(a: MissingEvidenceRow, b: MissingEvidenceRow): number {
  return (
    a.controlId.localeCompare(b.controlId) ||
    (a.assetId ?? "").localeCompare(b.assetId ?? "") ||
    (a.vendorId ?? "").localeCompare(b.vendorId ?? "")
  );
}

/** A row's identity: a control and an asset, a vendor (carve-out rows), or neither (control-wide). */
export function rowKey(row: Pick<MissingEvidenceRow, "controlId" | "assetId" | "vendorId">): string {
  return `${row.controlId}|${row.assetId ?? ""}|${row.vendorId ?? ""}`;
}

/**
 * "overdue": never collected first, then longest overdue (since ascending), other rows with no `since` last.
 * "reason": grouped by reason in DESIGN order, longest overdue first within a reason.
 */
export function sortRows(rows: readonly MissingEvidenceRow[], sort: WorklistSort): MissingEvidenceRow[] {
  const reasonRank = (r: EvidenceState): number => REASON_ORDER.indexOf(r);
  return [...rows].sort((a, b) =>
    sort === "reason"
      ? reasonRank(a.reason) - reasonRank(b.reason) || bySinceAscNullLast(a, b) || byIds(a, b)
      : bySinceAscNullLast(a, b) || byIds(a, b),
  );
}

/** Whole days a row has been overdue at `asOf`; null when it has no `since`. */
export function daysOverdue(row: MissingEvidenceRow, asOf: string): number | null {
  return row.since ? Math.max(0, daysBetween(row.since, asOf)) : null;
}

export const WORKLIST_COLUMNS = [
  "Control",
  "Control title",
  "Owner",
  "Asset",
  "Asset name",
  "Vendor",
  "Vendor name",
  "Reason",
  "Since",
  "Days overdue",
] as const;

/** Index of the "Days overdue" column (numeric, right-aligned). */
export const DAYS_COLUMN = WORKLIST_COLUMNS.indexOf("Days overdue");

/**
 * The reason in words. A carve-out row names the subservice organization and its report: the
 * control relies on that report, so the fix is a new report from the vendor, not evidence.
 */
export function reasonText(row: MissingEvidenceRow): string {
  const vendor = row.vendor?.name ?? row.vendorId ?? "the vendor";
  const report = reportName(row.vendor?.reportKind);
  if (row.reason === "VENDOR_REPORT_EXPIRED")
    return `${REASON_LABEL[row.reason]}: ${vendor}'s ${report} ran to ${formatDate(row.since ?? row.vendor?.reportValidUntil)}`;
  if (row.reason === "VENDOR_REPORT_MISSING") return `${REASON_LABEL[row.reason]}: ${vendor} has no ${report} on file`;
  if (row.reason === "OPEN_FINDINGS" && row.findingId)
    return `${REASON_LABEL[row.reason]}: ${row.findingId}, open ${row.findingAgeDays ?? "?"} days (past the control's finding policy)`;
  return REASON_LABEL[row.reason];
}

/** Where the row's name cell says "(control-wide)": a row for neither an asset nor a vendor. */
function assetName(row: MissingEvidenceRow): string {
  if (row.assetId) return row.asset?.name ?? "";
  return row.vendorId ? "" : "(control-wide)";
}

/** The cells of one row, exactly as the table shows them (and the CSV writes them). */
export function worklistCells(row: MissingEvidenceRow, asOf: string): string[] {
  const days = daysOverdue(row, asOf);
  return [
    row.controlId,
    row.control?.title ?? "",
    ownerOf(row),
    row.assetId ?? "",
    assetName(row),
    row.vendorId ?? "",
    row.vendorId ? (row.vendor?.name ?? "") : "",
    reasonText(row),
    row.since ? formatDate(row.since) : "",
    days === null ? "" : String(days),
  ];
}

export function worklistCsv(rows: readonly MissingEvidenceRow[], asOf: string): string {
  return toCsv(
    WORKLIST_COLUMNS,
    rows.map((r) => worklistCells(r, asOf)),
  );
}

export function worklistFileName(framework: string | null, asOf: string): string {
  return `missing-evidence-${framework ?? "all"}-${formatDate(asOf)}.csv`;
}
