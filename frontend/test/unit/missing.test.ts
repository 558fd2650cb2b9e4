import { describe, expect, it } from "vitest";
import type { EvidenceState, MissingEvidenceRow, ReportKind } from "../../src/api/types";
import { parseCsv } from "../../src/shape/csv";
import {
  NO_OWNER,
  WORKLIST_COLUMNS,
  daysOverdue,
  reasonText,
  rowKey,
  filterRows,
  owners,
  sortRows,
  worklistCells,
  worklistCsv,
  worklistFileName,
} from "../../src/shape/missing";

const row = (
  controlId: string,
  reason: EvidenceState,
  since: string | null,
  owner = "",
  assetId: string | null = null,
): MissingEvidenceRow => ({
  controlId,
  control: { title: `${controlId} title`, owner },
  assetId,
  asset: assetId ? { name: `${assetId} name` } : null,
  vendorId: null,
  vendor: null,
  reason,
  since,
  findingId: null,
  findingAgeDays: null,
});

const rows = [
  row("C3", "STALE", "2026-11-10T00:00:00Z", "sre", "a1"),
  row("C1", "NEVER_COLLECTED", null, "ml"),
  row("C2", "EXPIRED", "2026-10-01T00:00:00Z", "sre", "a2"),
  row("C4", "REJECTED", "2026-10-01T00:00:00Z", "", "a3"),
  row("C5", "PENDING_REVIEW", "2026-11-19T00:00:00Z", "ml"),
];

describe("an overdue scanner finding", () => {
  it("is checked first and names the oldest overdue finding and its age", () => {
    const found = {
      ...row("VM-01", "OPEN_FINDINGS", "2026-10-01T00:00:00Z", "sec", "gpu-1"),
      findingId: "fnd-1",
      findingAgeDays: 40,
    };
    expect(sortRows([...rows, found], "reason")[0]).toBe(found);
    expect(reasonText(found)).toBe("Overdue scanner finding: fnd-1, open 40 days (past the control's finding policy)");
  });
});

describe("sortRows", () => {
  it("overdue: never collected first, then since ascending, ties by control", () => {
    expect(sortRows(rows, "overdue").map((r) => r.controlId)).toEqual(["C1", "C2", "C4", "C3", "C5"]);
  });

  it("overdue: other rows without a since stay last", () => {
    const pending = row("C0", "PENDING_REVIEW", null);
    expect(sortRows([pending, ...rows], "overdue").map((r) => r.controlId)).toEqual([
      "C1",
      "C2",
      "C4",
      "C3",
      "C5",
      "C0",
    ]);
  });

  it("reason: in DESIGN order, then since ascending", () => {
    expect(sortRows(rows, "reason").map((r) => r.reason)).toEqual([
      "STALE",
      "EXPIRED",
      "PENDING_REVIEW",
      "REJECTED",
      "NEVER_COLLECTED",
    ]);
  });
});

describe("filters", () => {
  it("lists owners alphabetically with the ownerless last", () => {
    expect(owners(rows)).toEqual(["ml", "sre", NO_OWNER]);
  });

  it("filters by owner and reason", () => {
    expect(filterRows(rows, { owner: "sre", reason: null }).map((r) => r.controlId)).toEqual(["C3", "C2"]);
    expect(filterRows(rows, { owner: NO_OWNER, reason: null }).map((r) => r.controlId)).toEqual(["C4"]);
    expect(filterRows(rows, { owner: null, reason: "EXPIRED" }).map((r) => r.controlId)).toEqual(["C2"]);
    expect(filterRows(rows, { owner: "ml", reason: "EXPIRED" })).toEqual([]);
  });
});

describe("cells and CSV", () => {
  const asOf = "2026-11-20T12:00:00Z";

  it("computes days overdue, none without a since", () => {
    expect(daysOverdue(rows[2]!, asOf)).toBe(50);
    expect(daysOverdue(rows[1]!, asOf)).toBeNull();
  });

  it("writes exactly the cells the table shows, in the given order", () => {
    const shown = sortRows(rows, "overdue");
    const parsed = parseCsv(worklistCsv(shown, asOf));
    expect(parsed[0]).toEqual([...WORKLIST_COLUMNS]);
    expect(parsed.slice(1)).toEqual(shown.map((r) => worklistCells(r, asOf)));
    expect(parsed[1]).toEqual(["C1", "C1 title", "ml", "", "(control-wide)", "", "", "Never collected", "", ""]);
    expect(parsed[2]).toEqual(["C2", "C2 title", "sre", "a2", "a2 name", "", "", "Expired", "2026-10-01", "50"]);
  });

  it("escapes awkward titles", () => {
    const odd = row("C9", "EXPIRED", "2026-11-01T00:00:00Z", "ops, team", "a9");
    odd.control!.title = 'Backups "nightly", checked';
    const text = worklistCsv([odd], asOf);
    expect(text.split("\r\n")[1]).toBe(
      'C9,"Backups ""nightly"", checked","ops, team",a9,a9 name,,,Expired,2026-11-01,19',
    );
  });

  it("names the file after the framework and day", () => {
    expect(worklistFileName("soc2-tsc-2017", asOf)).toBe("missing-evidence-soc2-tsc-2017-2026-11-20.csv");
    expect(worklistFileName(null, asOf)).toBe("missing-evidence-all-2026-11-20.csv");
  });
});

describe("carve-out rows (a vendor instead of an asset)", () => {
  const asOf = "2027-04-20T00:00:00Z";
  const vendorRow = (
    reason: EvidenceState,
    vendorId: string,
    name: string,
    reportKind: ReportKind | null,
    since: string | null,
  ): MissingEvidenceRow => ({
    ...row("AGC-INF-06", reason, since, "infra"),
    vendorId,
    vendor: { name, reportKind, reportValidUntil: since },
  });
  const expired = vendorRow(
    "VENDOR_REPORT_EXPIRED",
    "ven-cloud",
    "Cumulus Cloud",
    "SOC2_TYPE2",
    "2027-04-10T01:48:00Z",
  );
  const missing = vendorRow("VENDOR_REPORT_MISSING", "ven-dc", '=HYPERLINK("x")', null, null);

  it("shows the vendor's id and name in the vendor columns, nothing in the asset ones", () => {
    const cells = worklistCells(expired, asOf);
    expect(cells.slice(3, 7)).toEqual(["", "", "ven-cloud", "Cumulus Cloud"]);
    expect(cells.at(-1)).toBe("9");
  });

  it("says in words which report lapsed, and that a missing one is missing", () => {
    expect(reasonText(expired)).toBe(
      "Vendor report expired (carve-out): Cumulus Cloud's SOC 2 Type II report ran to 2027-04-10",
    );
    expect(reasonText({ ...missing, vendor: { ...missing.vendor!, name: "Rackhouse" } })).toBe(
      "Vendor report missing (carve-out): Rackhouse has no report on file",
    );
  });

  it("keeps two vendors of one control apart", () => {
    expect(rowKey(expired)).not.toBe(rowKey(missing));
    expect(sortRows([missing, expired], "overdue").map((r) => r.vendorId)).toEqual(["ven-cloud", "ven-dc"]);
  });

  it("exports the vendor column, a formula-like vendor name neutralised", () => {
    const parsed = parseCsv(worklistCsv([expired, missing], asOf));
    expect(parsed[0]).toContain("Vendor");
    const vendorCol = parsed[0]!.indexOf("Vendor");
    expect(parsed.slice(1).map((r) => r[vendorCol])).toEqual(["ven-cloud", "ven-dc"]);
    expect(parsed[2]![vendorCol + 1]).toBe('\'=HYPERLINK("x")');
  });
});
