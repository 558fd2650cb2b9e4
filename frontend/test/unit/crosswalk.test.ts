import { describe, expect, it } from "vitest";
import type { CrosswalkRow, MappingRelationship } from "../../src/api/types";
import { crosswalkMatrix, describeMapping, refOf } from "../../src/shape/crosswalk";

const mapping = (s: string, t: string, relationship: MappingRelationship, strength = 5): CrosswalkRow => ({
  sourceId: `soc2-tsc-2017:${s}`,
  targetId: `iso-iec-27001-2022:${t}`,
  relationship,
  strength,
  rationale: "r",
  inverted: false,
  source: { ref: s, title: `${s} title` },
  target: { ref: t, title: `${t} title` },
});

describe("crosswalkMatrix", () => {
  const rows = [
    mapping("CC6.1", "A.5.15", "INTERSECTS_WITH", 7),
    mapping("CC1.10", "A.5.1", "SUBSET_OF", 4),
    mapping("CC1.2", "A.5.15", "EQUAL", 9),
    mapping("CC1.2", "A.5.9", "SUPERSET_OF", 3),
  ];
  const m = crosswalkMatrix(rows);

  it("has one row per source and one column per target, in natural ref order", () => {
    expect(m.sources.map((s) => s.ref)).toEqual(["CC1.2", "CC1.10", "CC6.1"]);
    expect(m.targets.map((t) => t.ref)).toEqual(["A.5.1", "A.5.9", "A.5.15"]);
  });

  it("puts each mapping in its cell and leaves the rest empty", () => {
    expect(m.cell("soc2-tsc-2017:CC1.2", "iso-iec-27001-2022:A.5.15")?.relationship).toBe("EQUAL");
    expect(m.cell("soc2-tsc-2017:CC6.1", "iso-iec-27001-2022:A.5.15")?.strength).toBe(7);
    expect(m.cell("soc2-tsc-2017:CC6.1", "iso-iec-27001-2022:A.5.1")).toBeUndefined();
    expect(m.size).toBe(4);
  });

  it("counts relationships", () => {
    expect(m.counts).toEqual({ EQUAL: 1, SUBSET_OF: 1, SUPERSET_OF: 1, INTERSECTS_WITH: 1 });
  });

  it("keeps the strongest of duplicate pairs", () => {
    const dup = crosswalkMatrix([
      mapping("CC1.1", "A.5.1", "INTERSECTS_WITH", 2),
      mapping("CC1.1", "A.5.1", "EQUAL", 8),
    ]);
    expect(dup.size).toBe(1);
    expect(dup.cell("soc2-tsc-2017:CC1.1", "iso-iec-27001-2022:A.5.1")?.relationship).toBe("EQUAL");
    expect(dup.counts).toEqual({ EQUAL: 1, SUBSET_OF: 0, SUPERSET_OF: 0, INTERSECTS_WITH: 0 });
  });

  it("falls back to the id's ref when the criterion is missing", () => {
    const bare = { ...mapping("CC9.9", "A.9.9", "EQUAL"), source: null, target: null };
    expect(crosswalkMatrix([bare]).sources[0]!.ref).toBe("CC9.9");
    expect(refOf("nist-ai-rmf-1.0:GOVERN 1.1")).toBe("GOVERN 1.1");
    expect(refOf("plain")).toBe("plain");
  });

  it("describes a cell in words", () => {
    expect(describeMapping(rows[1]!)).toBe("CC1.10 is a subset of A.5.1, strength 4");
    for (const [relationship, sentence] of [
      ["EQUAL", "S1 equals T1, strength 5"],
      ["SUPERSET_OF", "S1 is a superset of T1, strength 5"],
      ["INTERSECTS_WITH", "S1 intersects T1, strength 5"],
    ] as const)
      expect(describeMapping({ ...mapping("S1", "T1", relationship), strength: 5 })).toBe(sentence);
  });
});
