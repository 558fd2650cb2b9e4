import { describe, expect, it } from "vitest";
import {
  NO_DOMAIN,
  cellState,
  groupByDomain,
  monthCells,
  monthColumns,
  monthLabel,
} from "../../src/shape/period-groups";

const iv = (start: string, end: string, isGap: boolean) => ({
  start: `${start}T00:00:00Z`,
  end: `${end}T00:00:00Z`,
  isGap,
});

describe("the Type II page's months", () => {
  it("names months with their years, in UTC", () => {
    expect(monthLabel(Date.parse("2025-11-20T12:00:00Z"))).toBe("Nov 2025");
    expect(monthLabel(Date.parse("2026-01-01T00:00:00Z"))).toBe("Jan 2026");
    expect(monthLabel(Date.parse("2025-12-31T23:59:59Z"))).toBe("Dec 2025");
  });

  it("cuts one column per month the period touches, weighted by its days inside the period", () => {
    const cols = monthColumns("2025-11-20T12:00:00Z", "2026-11-20T12:00:00Z");
    expect(cols.map((c) => c.label)).toEqual([
      "Nov 2025",
      "Dec 2025",
      "Jan 2026",
      "Feb 2026",
      "Mar 2026",
      "Apr 2026",
      "May 2026",
      "Jun 2026",
      "Jul 2026",
      "Aug 2026",
      "Sep 2026",
      "Oct 2026",
      "Nov 2026",
    ]);
    expect(cols[0]!.start).toBe(Date.parse("2025-11-20T12:00:00Z"));
    expect(cols[1]!.start).toBe(Date.parse("2025-12-01T00:00:00Z"));
    expect(cols.at(-1)!.end).toBe(Date.parse("2026-11-20T12:00:00Z"));
    expect(cols.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 9);
    expect(cols[1]!.weight).toBeGreaterThan(cols[0]!.weight); // 31 days against 10.5
    // A period of whole months: exactly those months; an empty one: none.
    expect(monthColumns("2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z").map((c) => c.key)).toEqual([
      "2026-01",
      "2026-02",
    ]);
    expect(monthColumns("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")).toEqual([]);
  });

  it("counts an interval in every month it overlaps, and its gaps", () => {
    const cols = monthColumns("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z");
    const daily = [
      iv("2026-01-30", "2026-01-31", true),
      iv("2026-01-31", "2026-02-01", false),
      iv("2026-02-01", "2026-02-02", true),
    ];
    expect(monthCells(daily, cols).map((c) => [c.key, c.intervals, c.gaps])).toEqual([
      ["2026-01", 2, 1],
      ["2026-02", 1, 1],
      ["2026-03", 0, 0],
    ]);
    // A quarterly gap is a gap in each of its months (no evidence in any of them).
    const quarterly = [iv("2026-01-01", "2026-04-01", true)];
    expect(monthCells(quarterly, cols).map((c) => c.gaps)).toEqual([1, 1, 1]);
  });

  it("reads a month as none, ok, some or all", () => {
    const cell = (intervals: number, gaps: number) => ({ key: "k", label: "l", intervals, gaps });
    expect(cellState(cell(0, 0))).toBe("none");
    expect(cellState(cell(31, 0))).toBe("ok");
    expect(cellState(cell(31, 3))).toBe("some");
    expect(cellState(cell(1, 1))).toBe("all");
  });
});

describe("controls grouped by domain", () => {
  const row = (controlId: string, domain: string | null, gaps: number) => ({
    controlId,
    gaps,
    control: domain === null ? null : { domain },
  });

  it("sums gaps per domain, most gaps first, keeping the API's order inside", () => {
    const groups = groupByDomain([
      row("A-1", "Access", 0),
      row("B-1", "Backups", 2),
      row("A-2", "Access", 1),
      row("B-2", "Backups", 3),
      row("C-1", "Change", 0),
      row("X-1", null, 0),
    ]);
    expect(groups.map((g) => [g.domain, g.rows.map((r) => r.controlId), g.gaps, g.withGaps])).toEqual([
      ["Backups", ["B-1", "B-2"], 5, 2],
      ["Access", ["A-1", "A-2"], 1, 1],
      ["Change", ["C-1"], 0, 0],
      [NO_DOMAIN, ["X-1"], 0, 0],
    ]);
    expect(groupByDomain([])).toEqual([]);
  });
});
