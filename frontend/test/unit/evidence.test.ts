import { describe, expect, it } from "vitest";
import {
  FREQUENCY_DAYS,
  evidenceValidity,
  evidenceWindow,
  frequencyDays,
  sortEvidenceNewestFirst,
} from "../../src/shape/evidence";

describe("evidence window end", () => {
  it.each([
    ["CONTINUOUS", "2026-01-02T10:00:00Z"],
    ["DAILY", "2026-01-02T10:00:00Z"],
    ["WEEKLY", "2026-01-08T10:00:00Z"],
    ["MONTHLY", "2026-02-01T10:00:00Z"],
    ["QUARTERLY", "2026-04-03T10:00:00Z"],
    ["SEMIANNUAL", "2026-07-03T10:00:00Z"],
    ["ANNUAL", "2027-01-02T10:00:00Z"],
  ])("%s evidence collected 2026-01-01 10:00 ends %s", (frequency, end) => {
    const w = evidenceWindow("2026-01-01T10:00:00Z", null, frequency);
    expect(w).toEqual({ start: "2026-01-01T10:00:00Z", end, computed: true });
  });

  it("uses the days DESIGN.md gives", () => {
    expect(FREQUENCY_DAYS).toEqual({
      CONTINUOUS: 1,
      DAILY: 1,
      WEEKLY: 7,
      MONTHLY: 31,
      QUARTERLY: 92,
      SEMIANNUAL: 183,
      ANNUAL: 366,
    });
  });

  it("prefers validUntil when set", () => {
    expect(evidenceWindow("2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", "DAILY")).toEqual({
      start: "2026-01-01T00:00:00Z",
      end: "2026-03-01T00:00:00Z",
      computed: false,
    });
  });

  it("reads the frequency in either case and rejects unknown ones", () => {
    expect(frequencyDays("quarterly")).toBe(92);
    expect(() => frequencyDays("hourly")).toThrow(/unknown frequency/);
  });

  it("crosses a leap day by days, not calendar months", () => {
    expect(evidenceWindow("2028-02-01T00:00:00Z", null, "MONTHLY").end).toBe("2028-03-03T00:00:00Z");
  });
});

describe("evidenceValidity", () => {
  const ev = { collectedAt: "2026-01-01T00:00:00Z", validUntil: null, status: "ACCEPTED" };

  it("is valid from collectedAt (inclusive) to the end (exclusive)", () => {
    expect(evidenceValidity(ev, "WEEKLY", new Date("2026-01-01T00:00:00Z"))).toBe("VALID");
    expect(evidenceValidity(ev, "WEEKLY", new Date("2026-01-07T23:59:59Z"))).toBe("VALID");
    expect(evidenceValidity(ev, "WEEKLY", new Date("2026-01-08T00:00:00Z"))).toBe("EXPIRED");
  });

  it("does not exist before it was collected", () => {
    expect(evidenceValidity(ev, "WEEKLY", new Date("2025-12-31T23:59:59Z"))).toBe("NOT_YET_COLLECTED");
  });

  it("only accepted evidence counts", () => {
    expect(evidenceValidity({ ...ev, status: "PENDING" }, "ANNUAL", new Date("2026-02-01T00:00:00Z"))).toBe("PENDING");
    expect(evidenceValidity({ ...ev, status: "REJECTED" }, "ANNUAL", new Date("2026-02-01T00:00:00Z"))).toBe(
      "REJECTED",
    );
  });

  it("sorts newest first", () => {
    const items = [
      { id: "a", collectedAt: "2026-01-01T00:00:00Z" },
      { id: "b", collectedAt: "2026-03-01T00:00:00Z" },
      { id: "c", collectedAt: "2026-02-01T00:00:00Z" },
    ];
    expect(sortEvidenceNewestFirst(items).map((i) => i.id)).toEqual(["b", "c", "a"]);
  });
});
