import { describe, expect, it } from "vitest";
import {
  intervalOperation,
  observedLabel,
  observedSpan,
  operationKind,
  operationLabel,
  type OperatingItem,
} from "../../src/shape/observation";

const item = (
  id: string,
  collectedAt: string,
  span: [string, string] | null = null,
  status = "ACCEPTED",
): OperatingItem => ({
  id,
  collectedAt,
  periodStart: span?.[0] ?? null,
  periodEnd: span?.[1] ?? null,
  status,
  supersededBy: null,
});

const jan = { start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z" };

describe("observedSpan", () => {
  it("is the item's period, or nothing for an item of one instant", () => {
    expect(observedSpan(item("e", "2026-02-01T00:00:00Z", ["2025-11-01T00:00:00Z", "2026-02-01T00:00:00Z"]))).toEqual({
      start: "2025-11-01T00:00:00Z",
      end: "2026-02-01T00:00:00Z",
    });
    expect(observedSpan(item("e", "2026-02-01T00:00:00Z"))).toBeNull();
    expect(observedLabel({ start: "2025-11-01T00:00:00Z", end: "2026-02-01T00:00:00Z" })).toBe(
      "observed 2025-11-01 → 2026-02-01",
    );
  });
});

describe("intervalOperation (DESIGN.md 'Period gaps')", () => {
  it("an observation ending exactly at the interval's start does not operate it; one overlapping by a second does", () => {
    const edge = item("edge", "2026-01-05T00:00:00Z", ["2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z"]);
    const second = item("second", "2026-01-05T00:00:00Z", ["2025-12-01T00:00:00Z", "2026-01-01T00:00:01Z"]);
    expect(intervalOperation(jan, [edge]).observedBy).toEqual([]);
    expect(intervalOperation(jan, [second]).observedBy).toEqual(["second"]);
    // An observation starting exactly at the interval's end does not operate it either.
    const after = item("after", "2026-01-05T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]);
    expect(intervalOperation(jan, [after]).observedBy).toEqual([]);
  });

  it("an item collected inside [start, end) operates it; one collected at its end does not", () => {
    const inside = item("in", "2026-01-01T00:00:00Z");
    const atEnd = item("end", "2026-01-02T00:00:00Z");
    expect(intervalOperation(jan, [atEnd, inside]).collected).toEqual([{ id: "in", at: "2026-01-01T00:00:00Z" }]);
  });

  it("counts only accepted items that nothing supersedes", () => {
    const pending = item("p", "2026-01-01T06:00:00Z", null, "PENDING");
    const rejected = item("r", "2026-01-01T06:00:00Z", ["2025-12-01T00:00:00Z", "2026-01-02T00:00:00Z"], "REJECTED");
    const replaced = { ...item("old", "2026-01-01T06:00:00Z"), supersededBy: { id: "new" } };
    const op = intervalOperation(jan, [pending, rejected, replaced]);
    expect(op).toEqual({ observedBy: [], collected: [] });
  });

  it("names an item that observes the interval once, as observing, even when collected in it", () => {
    const both = item("both", "2026-01-01T12:00:00Z", ["2025-12-01T00:00:00Z", "2026-01-01T12:00:00Z"]);
    expect(intervalOperation(jan, [both])).toEqual({ observedBy: ["both"], collected: [] });
  });
});

describe("operation kinds and labels", () => {
  it("observed wins over collected; without an explaining item the API's count is all there is", () => {
    expect(operationKind(true, { observedBy: ["x"], collected: [] })).toBe("gap");
    expect(operationKind(false, { observedBy: ["x"], collected: [{ id: "y", at: jan.start }] })).toBe("observed");
    expect(operationKind(false, { observedBy: [], collected: [{ id: "y", at: jan.start }] })).toBe("collected");
    expect(operationKind(false, { observedBy: [], collected: [] })).toBe("evidenced");
  });

  it("says 'observed by <id>' or 'collected <date>'", () => {
    expect(operationLabel("observed", { observedBy: ["EV-1"], collected: [] }, 3, 3)).toBe("observed by EV-1");
    expect(
      operationLabel(
        "observed",
        { observedBy: ["EV-1"], collected: [{ id: "EV-2", at: "2026-01-01T10:00:00Z" }] },
        1,
        2,
      ),
    ).toBe("observed by EV-1; also collected 2026-01-01");
    expect(
      operationLabel(
        "collected",
        {
          observedBy: [],
          collected: ["01", "02", "03", "04"].map((d) => ({ id: d, at: `2026-01-${d}T10:00:00Z` })),
        },
        4,
        4,
      ),
    ).toBe("collected 2026-01-01, 2026-01-02, 2026-01-03 and 1 more");
    expect(operationLabel("gap", { observedBy: [], collected: [] }, 2, 0)).toBe(
      "gap: 2 intervals without accepted evidence",
    );
    expect(operationLabel("evidenced", { observedBy: [], collected: [] }, 1, 1)).toBe("1 evidence item");
  });
});
