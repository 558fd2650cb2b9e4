import { describe, expect, it } from "vitest";
import type { CoverageRow, CoverageStatus } from "../../src/api/types";
import { parseCsv } from "../../src/shape/csv";
import { gapsCsv, GAPS_COLUMNS } from "../../src/shape/gaps-csv";
import {
  MATRIX_COLUMNS,
  filterMatrix,
  matrixCategories,
  matrixCsv,
  matrixOwners,
  matrixRows,
  naturalCompare,
} from "../../src/shape/matrix";
import { NO_OWNER, checkOwner, ownerEditHash, ownerText } from "../../src/shape/owner";

const row = (ref: string, status: CoverageStatus, category: string, controls: string[]): CoverageRow => ({
  criterionId: `soc2:${ref}`,
  ref,
  title: `${ref} title`,
  category,
  parentId: null,
  isLeaf: true,
  assessable: true,
  status,
  carvedOut: false,
  derived: false,
  reason: "r",
  controls: controls.map((id) => ({ controlId: id, title: id, status: "IMPLEMENTED", effective: true, reason: "" })),
  via: [],
});

describe("naturalCompare", () => {
  it("orders ids as the store does: CC1.10 after CC1.9, text before numbers", () => {
    const ids = ["soc2:CC1.10", "soc2:CC1.2", "soc2:A1.1", "soc2:CC1.9", "soc2:CC10.1", "soc2:CC2.1", "soc2:CC1.1"];
    expect([...ids].sort(naturalCompare)).toEqual([
      "soc2:A1.1",
      "soc2:CC1.1",
      "soc2:CC1.2",
      "soc2:CC1.9",
      "soc2:CC1.10",
      "soc2:CC2.1",
      "soc2:CC10.1",
    ]);
    expect(naturalCompare("A.5.9", "A.5.10")).toBeLessThan(0);
    expect(naturalCompare("x1", "x01")).not.toBe(0); // ties broken by the id itself
  });
});

describe("the criteria matrix", () => {
  const owners = new Map([
    ["k1", "sre"],
    ["k2", ""],
    ["k3", "ml"],
  ]);
  const rows = matrixRows(
    [
      row("CC1.10", "COVERED", "Security", ["k1"]),
      row("CC1.9", "PARTIAL", "Security", ["k2", "k3"]),
      row("A1.1", "UNCOVERED", "Availability", []),
    ],
    owners,
  );

  it("keeps every criterion, covered ones too, in natural order, with their controls' owners", () => {
    expect(rows.map((r) => r.ref)).toEqual(["A1.1", "CC1.9", "CC1.10"]);
    expect(rows.map((r) => r.owners)).toEqual([[], ["ml", NO_OWNER], ["sre"]]);
  });

  it("filters by status, category and owner", () => {
    const f = (status: CoverageStatus | null, category: string | null, owner: string | null) =>
      filterMatrix(rows, { status, category, owner }).map((r) => r.ref);
    expect(f(null, null, null)).toEqual(["A1.1", "CC1.9", "CC1.10"]);
    expect(f("COVERED", null, null)).toEqual(["CC1.10"]);
    expect(f(null, "Security", null)).toEqual(["CC1.9", "CC1.10"]);
    expect(f(null, null, NO_OWNER)).toEqual(["CC1.9"]);
    expect(f("PARTIAL", "Security", "sre")).toEqual([]);
  });

  it("offers the categories in order and the owners alphabetically, no owner last", () => {
    expect(matrixCategories(rows)).toEqual(["Availability", "Security"]);
    expect(matrixOwners(rows)).toEqual(["ml", "sre", NO_OWNER]);
  });

  it("writes the rows shown as CSV, formula-safe", () => {
    const odd = matrixRows([{ ...row("CC2.1", "COVERED", "Security", ["k1"]), title: "+cmd|calc" }], owners);
    const parsed = parseCsv(matrixCsv([...rows, ...odd]));
    expect(parsed[0]).toEqual([...MATRIX_COLUMNS]);
    expect(parsed.map((r) => r[1])).toEqual(["Ref", "A1.1", "CC1.9", "CC1.10", "CC2.1"]);
    expect(parsed[2]).toEqual([
      "soc2:CC1.9",
      "CC1.9",
      "CC1.9 title",
      "Security",
      "Partial",
      "no",
      "no",
      "k2 k3",
      `ml; ${NO_OWNER}`,
      "r",
    ]);
    expect(parsed[4]![2]).toBe("'+cmd|calc");
  });
});

describe("owners", () => {
  it("shows an empty owner as no owner set", () => {
    expect(ownerText("")).toBe("no owner set");
    expect(ownerText("  ")).toBe("no owner set");
    expect(ownerText("sre")).toBe("sre");
  });

  it("links to the owner page, and refuses an empty owner naming the API's field", () => {
    expect(ownerEditHash("soc2 ctl/1")).toBe("#/owner/soc2%20ctl%2F1");
    expect(checkOwner("  ")).toEqual({
      ok: false,
      field: "controls.owner",
      reason: "type who answers for the control",
    });
    expect(checkOwner(" Head of SRE ")).toEqual({ ok: true, value: "Head of SRE" });
  });
});

describe("gapsCsv", () => {
  it("writes one row per gap interval, its days inclusive", () => {
    const parsed = parseCsv(
      gapsCsv([
        {
          controlId: "k1",
          frequency: "MONTHLY",
          control: { title: "=x" },
          intervals: [
            { start: "2026-01-01T00:00:00Z", end: "2026-02-01T00:00:00Z", isGap: true },
            { start: "2026-02-01T00:00:00Z", end: "2026-03-04T00:00:00Z", isGap: false },
          ],
        },
      ] as never),
    );
    expect(parsed).toEqual([[...GAPS_COLUMNS], ["k1", "'=x", "monthly", "2026-01-01", "2026-01-31"]]);
  });
});
