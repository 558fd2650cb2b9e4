import { describe, expect, it } from "vitest";
import { buildHash, engagementHash, parseHash } from "../../src/router";
import {
  CUSTOM_PERIOD,
  criterionAsOfDay,
  engagementWhen,
  currentEngagement,
  periodChoice,
  type2Engagements,
  boundaryWords,
} from "../../src/shape/engagement";

const NOW = new Date("2026-11-30T12:00:00Z");
const period = (start: string, end: string) => ({ periodStart: `${start}T00:00:00Z`, periodEnd: `${end}T00:00:00Z` });
const T1 = { id: "iso-t1", kind: "TYPE1" as const, periodStart: null, periodEnd: null };
const T2 = { id: "soc2-t2", kind: "TYPE2" as const, ...period("2025-12-01", "2026-12-01") };
const T2B = { id: "soc2-t2-b", kind: "TYPE2" as const, ...period("2024-12-01", "2025-12-01") };

describe("the Type II page's period choice", () => {
  it("defaults to the current Type II engagement, skipping Type I", () => {
    expect(periodChoice({}, [T1, T2B, T2], NOW)).toBe("soc2-t2");
    expect(type2Engagements([T1, T2, T2B])).toEqual([T2, T2B]);
  });

  it("the current engagement: running now (the latest started), else the one ended last, never a future one", () => {
    const later = { id: "a-later-start", kind: "TYPE2" as const, ...period("2026-06-01", "2027-06-01") };
    const future = { id: "future", kind: "TYPE2" as const, ...period("2027-01-01", "2028-01-01") };
    const ended = { id: "ended", kind: "TYPE2" as const, ...period("2025-06-01", "2026-11-20") };
    expect(currentEngagement([T2, later, future, ended], NOW)?.id).toBe("a-later-start");
    expect(currentEngagement([T2B, future, ended], NOW)?.id).toBe("ended"); // the demo's: ended 10 days ago
    expect(currentEngagement([future, T1], NOW)).toBeNull();
    expect(periodChoice({}, [future], NOW)).toBeNull(); // none: the custom last 12 months
    // The period's end is excluded: at that instant it has ended.
    expect(currentEngagement([T2], new Date("2026-12-01T00:00:00Z"))?.id).toBe("soc2-t2");
    expect(currentEngagement([T2, ended], new Date("2026-12-01T00:00:00Z"))?.id).toBe("soc2-t2");
  });

  it("is a custom period when there is no Type II engagement", () => {
    expect(periodChoice({}, [], NOW)).toBeNull();
    expect(periodChoice({}, [T1], NOW)).toBeNull();
  });

  it("keeps the URL's choice: an engagement, or custom", () => {
    expect(periodChoice({ engagement: "soc2-t2-b" }, [T2, T2B], NOW)).toBe("soc2-t2-b");
    expect(periodChoice({ engagement: CUSTOM_PERIOD }, [T2], NOW)).toBeNull();
  });

  it("reads a link with a framework or days but no engagement as a custom period", () => {
    expect(periodChoice({ framework: "soc2-tsc-2017" }, [T2], NOW)).toBeNull();
    expect(periodChoice({ start: "2026-01-01", end: "2026-06-30" }, [T2], NOW)).toBeNull();
    expect(periodChoice({ gapsOnly: "1" }, [T2], NOW)).toBe("soc2-t2");
  });
});

describe("engagement facts in words", () => {
  it("says a Type II's period (end excluded) and a Type I's instant, in UTC", () => {
    expect(
      engagementWhen({
        kind: "TYPE2",
        asOf: null,
        periodStart: "2025-11-20T12:00:00Z",
        periodEnd: "2026-11-20T12:00:00Z",
      }),
    ).toBe("Type II, 2025-11-20 12:00 UTC to 2026-11-20 12:00 UTC (end excluded)");
    expect(engagementWhen({ kind: "TYPE1", asOf: "2026-06-30T23:59:59Z", periodStart: null, periodEnd: null })).toBe(
      "Type I, as of 2026-06-30 23:59 UTC",
    );
  });

  it("links criteria at the reference instant's day when it is past, at now otherwise", () => {
    const now = new Date("2026-11-30T14:00:00Z");
    expect(criterionAsOfDay("2026-06-30T12:00:00Z", now)).toBe("2026-06-30");
    expect(criterionAsOfDay("2026-11-30T09:00:00Z", now)).toBeNull();
    expect(criterionAsOfDay("2027-01-01T00:00:00Z", now)).toBeNull();
  });
});

describe("engagement routes", () => {
  it("round-trips an engagement id", () => {
    expect(parseHash(engagementHash("soc2-type2-model-serving"))).toEqual({
      page: "engagement",
      id: "soc2-type2-model-serving",
      params: {},
    });
  });

  it("deep-links the Type II page's choice", () => {
    expect(parseHash(buildHash("period", null, { engagement: "soc2-t2", gapsOnly: "1" })).params).toEqual({
      engagement: "soc2-t2",
      gapsOnly: "1",
    });
  });
});

describe("boundaryWords", () => {
  it("says every asset when the engagement lists none (the API answers null)", () => {
    expect(boundaryWords(null)).toBe("every asset");
  });
  it("counts the assets of a listed boundary", () => {
    expect(boundaryWords([])).toBe("0 assets");
    expect(boundaryWords(["ep-a"])).toBe("1 asset");
    expect(boundaryWords(["ep-a", "mdl-a"])).toBe("2 assets");
  });
});
