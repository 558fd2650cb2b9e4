import { describe, expect, it } from "vitest";
import type { GapInterval } from "../../src/api/types";
import { timelineSegments } from "../../src/shape/timeline";

const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().replace(".000Z", "Z");
const iv = (from: number, to: number, isGap: boolean, evidenceCount = isGap ? 0 : 1): GapInterval => ({
  start: day(from),
  end: day(to),
  isGap,
  evidenceCount,
});

describe("timelineSegments", () => {
  const intervals = [
    iv(0, 1, true),
    iv(1, 2, true),
    iv(2, 3, false, 2),
    iv(3, 4, false, 1),
    iv(4, 5, true),
    iv(5, 10, false),
  ];
  const segs = timelineSegments(intervals, day(0), day(10), 1000);

  it("merges runs of the same kind", () => {
    expect(segs.map((s) => [s.isGap, s.intervals])).toEqual([
      [true, 2],
      [false, 2],
      [true, 1],
      [false, 1],
    ]);
    expect(segs[1]!.evidenceCount).toBe(3);
  });

  it("places segments contiguously across the whole width", () => {
    expect(segs[0]!.x).toBe(0);
    for (let i = 1; i < segs.length; i++) expect(segs[i]!.x).toBeCloseTo(segs[i - 1]!.x + segs[i - 1]!.width, 9);
    expect(segs.at(-1)!.x + segs.at(-1)!.width).toBeCloseTo(1000, 9);
    expect(segs.map((s) => s.width)).toEqual([200, 200, 100, 500]);
  });

  it("keeps a cut last interval proportional and clamps to the period", () => {
    const cut = timelineSegments([iv(0, 7, false), iv(7, 14, true)], day(0), day(10), 100);
    expect(cut.map((s) => [s.x, s.width])).toEqual([
      [0, 70],
      [70, 30],
    ]);
  });

  it("sorts unsorted intervals and does not merge across a hole", () => {
    const holes = timelineSegments([iv(5, 6, true), iv(0, 1, true)], day(0), day(10), 10);
    expect(holes.map((s) => [s.x, s.width])).toEqual([
      [0, 1],
      [5, 1],
    ]);
  });

  it("survives an empty period", () => {
    expect(timelineSegments([], day(0), day(0), 100)).toEqual([]);
  });
});

describe("timelineSegments with the control's evidence", () => {
  const ev = (id: string, collectedAt: string, span: [string, string] | null = null) => ({
    id,
    collectedAt,
    periodStart: span?.[0] ?? null,
    periodEnd: span?.[1] ?? null,
    status: "ACCEPTED",
    supersededBy: null,
  });
  // Days 0–4 observed by a monitoring export, day 4 a gap (an outage), days 5–6 by a daily item each.
  const intervals = [
    iv(0, 1, false),
    iv(1, 2, false),
    iv(2, 3, false),
    iv(3, 4, true),
    iv(4, 5, false),
    iv(5, 6, false),
  ];
  const evidence = [
    ev("EXPORT-Q1", "2026-01-03T23:00:00Z", [day(0), "2026-01-03T23:00:00Z"]),
    ev("DAILY-5", `${day(4).slice(0, 10)}T09:00:00Z`),
    ev("DAILY-6", `${day(5).slice(0, 10)}T09:00:00Z`),
  ];
  const segs = timelineSegments(intervals, day(0), day(6), 600, evidence);

  it("tells intervals observed by a period from those operated by collected items", () => {
    expect(segs.map((s) => [s.kind, s.intervals])).toEqual([
      ["observed", 3],
      ["gap", 1],
      ["collected", 2],
    ]);
    expect(segs[0]!.operation.observedBy).toEqual(["EXPORT-Q1"]);
    // Each observer with the span it observed (its end exclusive, as the API gives it).
    expect(segs[0]!.label).toBe("observed by EXPORT-Q1 (2026-01-01 → 2026-01-03)");
    expect(segs[2]!.label).toBe("collected 2026-01-05, 2026-01-06");
    expect(segs[1]!.label).toBe("gap: 1 interval without accepted evidence");
  });

  it("without evidence, still splits only on gaps (the API's counts)", () => {
    expect(timelineSegments(intervals, day(0), day(6), 600).map((s) => s.kind)).toEqual([
      "evidenced",
      "gap",
      "evidenced",
    ]);
  });
});
