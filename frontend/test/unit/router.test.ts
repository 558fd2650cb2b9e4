import { describe, expect, it } from "vitest";
import { buildHash, criterionHash, parseHash } from "../../src/router";

describe("routes", () => {
  it("defaults to the overview", () => {
    expect(parseHash("")).toEqual({ page: "overview", id: null, params: {} });
    expect(parseHash("#/nowhere")).toEqual({ page: "overview", id: null, params: {} });
  });

  it("round-trips criterion ids with colons, spaces and dots", () => {
    for (const id of ["soc2-tsc-2017:CC6.1", "nist-ai-rmf-1.0:GOVERN 1.1", "iso-iec-42001-2023:A.6.2.4"]) {
      const hash = criterionHash(id, "2026-06-30");
      expect(parseHash(hash)).toEqual({ page: "criterion", id, params: { asOf: "2026-06-30" } });
    }
  });

  it("leaves out empty params", () => {
    expect(buildHash("missing", null, { framework: "soc2-tsc-2017", owner: null, reason: "", sort: undefined })).toBe(
      "#/missing?framework=soc2-tsc-2017",
    );
    expect(parseHash("#/missing?framework=&reason=STALE").params).toEqual({ reason: "STALE" });
  });

  it("survives a malformed escape", () => {
    expect(parseHash("#/criterion/%E0%A4%A").id).toBe("%E0%A4%A");
  });
});
