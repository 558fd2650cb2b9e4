import { describe, expect, it } from "vitest";
import type { CoverageStatus } from "../../src/api/types";
import {
  barShares,
  categoryStatus,
  compareRefs,
  orderCategories,
  orderFrameworks,
  percent,
  signed,
  sortWorstFirst,
  worstCriteria,
} from "../../src/shape/coverage";

const row = (ref: string, status: CoverageStatus) => ({ ref, status });

describe("sortWorstFirst", () => {
  it("puts UNCOVERED before PARTIAL before COVERED, refs in natural order within a status", () => {
    const rows = [
      row("CC1.10", "PARTIAL"),
      row("CC1.2", "COVERED"),
      row("CC1.9", "PARTIAL"),
      row("A1.1", "UNCOVERED"),
      row("CC1.1", "UNCOVERED"),
    ];
    expect(sortWorstFirst(rows).map((r) => `${r.status}:${r.ref}`)).toEqual([
      "UNCOVERED:A1.1",
      "UNCOVERED:CC1.1",
      "PARTIAL:CC1.9",
      "PARTIAL:CC1.10",
      "COVERED:CC1.2",
    ]);
  });

  it("does not change its input", () => {
    const rows = [row("B", "COVERED"), row("A", "UNCOVERED")];
    sortWorstFirst(rows);
    expect(rows.map((r) => r.ref)).toEqual(["B", "A"]);
  });

  it("worstCriteria leaves covered criteria out", () => {
    const rows = [row("X1", "COVERED"), row("X2", "PARTIAL"), row("X3", "UNCOVERED")];
    expect(worstCriteria(rows).map((r) => r.ref)).toEqual(["X3", "X2"]);
    expect(worstCriteria([row("X1", "COVERED")])).toEqual([]);
  });
});

describe("compareRefs", () => {
  it("orders official refs numerically", () => {
    expect(["A.5.10", "A.5.9", "A.5.1", "GOVERN 1.10", "GOVERN 1.2"].sort(compareRefs)).toEqual([
      "A.5.1",
      "A.5.9",
      "A.5.10",
      "GOVERN 1.2",
      "GOVERN 1.10",
    ]);
  });
});

describe("orderCategories", () => {
  const counts = (category: string) => ({ category, total: 1, covered: 1, partial: 0, uncovered: 0 });

  it("lists SOC 2's five categories in TSC order", () => {
    const rows = ["Privacy", "Availability", "Security", "Confidentiality", "Processing Integrity"].map(counts);
    expect(orderCategories(rows).map((r) => r.category)).toEqual([
      "Security",
      "Availability",
      "Processing Integrity",
      "Confidentiality",
      "Privacy",
    ]);
  });

  it("orders other frameworks' categories as the catalog lists them", () => {
    const rows = ["Chapter IX", "Chapter V", "Chapter I"].map(counts);
    const catalog = [
      { category: "Chapter I" },
      { category: "Chapter V" },
      { category: "Chapter V" },
      { category: "Chapter IX" },
    ];
    expect(orderCategories(rows, catalog).map((r) => r.category)).toEqual(["Chapter I", "Chapter V", "Chapter IX"]);
  });

  it("falls back to names for categories not in the catalog", () => {
    expect(orderCategories(["Zeta", "Alpha"].map(counts)).map((r) => r.category)).toEqual(["Alpha", "Zeta"]);
  });
});

describe("orderFrameworks", () => {
  it("puts SOC 2 first and the rest by name", () => {
    const fws = [
      { id: "nist-csf-2.0", name: "NIST Cybersecurity Framework" },
      { id: "soc2-tsc-2017", name: "SOC 2 Trust Services Criteria" },
      { id: "eu-ai-act-2024", name: "EU Artificial Intelligence Act" },
    ];
    expect(orderFrameworks(fws).map((f) => f.id)).toEqual(["soc2-tsc-2017", "eu-ai-act-2024", "nist-csf-2.0"]);
  });
});

describe("numbers", () => {
  it("percent rounds and survives an empty framework", () => {
    expect(percent(50, 61)).toBe(82);
    expect(percent(0, 0)).toBe(0);
  });

  it("barShares add up to 100", () => {
    const s = barShares({ total: 61, covered: 50, partial: 7, uncovered: 4 });
    expect(s.covered + s.partial + s.uncovered).toBeCloseTo(100, 9);
    expect(s.uncovered).toBeCloseTo((4 / 61) * 100, 9);
    expect(barShares({ total: 0, covered: 0, partial: 0, uncovered: 0 })).toEqual({
      covered: 0,
      partial: 0,
      uncovered: 0,
    });
  });

  it("categoryStatus is the summary a badge shows", () => {
    expect(categoryStatus({ total: 2, covered: 2, partial: 0, uncovered: 0 })).toBe("COVERED");
    expect(categoryStatus({ total: 2, covered: 0, partial: 0, uncovered: 2 })).toBe("UNCOVERED");
    expect(categoryStatus({ total: 2, covered: 1, partial: 0, uncovered: 1 })).toBe("PARTIAL");
  });

  it("signed uses a real minus sign", () => {
    expect(signed(3)).toBe("+3");
    expect(signed(-2)).toBe("\u22122");
    expect(signed(0)).toBe("0");
  });
});
