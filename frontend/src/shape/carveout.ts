/** Carved-out controls (SOC 2 carve-out method, DESIGN.md): a vendor's report stands in for evidence. */
import type { ReportKind } from "../api/types";
import { compareRefs } from "./coverage";

const REPORT_KIND_LABEL: Readonly<Record<ReportKind, string>> = {
  SOC2_TYPE1: "SOC 2 Type I",
  SOC2_TYPE2: "SOC 2 Type II",
  ISO27001: "ISO 27001",
  OTHER: "other",
};

/** "SOC 2 Type II report", or just "report" when its kind is not known. */
export function reportName(kind: ReportKind | null | undefined): string {
  return kind && kind !== "OTHER" ? `${REPORT_KIND_LABEL[kind]} report` : "report";
}

export type ReportState = "VALID" | "EXPIRED" | "MISSING";

/** A report stands in while `reportValidUntil > at`: one that ends exactly at `at` has expired. */
export function reportState(vendor: { reportValidUntil: string | null }, at: Date): ReportState {
  if (!vendor.reportValidUntil) return "MISSING";
  return Date.parse(vendor.reportValidUntil) > at.getTime() ? "VALID" : "EXPIRED";
}

export const REPORT_STATE_LABEL: Readonly<Record<ReportState, string>> = {
  VALID: "report valid",
  EXPIRED: "report expired",
  MISSING: "no report",
};

/** The criteria reported apart as the subservice organizations', by ref. */
export function carvedOutCriteria<T extends { carvedOut: boolean; ref: string }>(rows: readonly T[]): T[] {
  return rows.filter((r) => r.carvedOut).sort((a, b) => compareRefs(a.ref, b.ref));
}
