import { describe, expect, it } from "vitest";
import type { Sample } from "../../src/api/types";
import {
  checkDraw,
  checkException,
  checkRemediation,
  evidenceIds,
  exceptionStanding,
  filtersFromParams,
  filtersToParams,
  isWebLink,
  openExceptionsWords,
  samplesByControl,
  unitWhen,
} from "../../src/shape/audit";

const sample = (id: string, control: string, seed: string, redrawOf: string | null = null): Sample => ({
  id,
  control,
  seed,
  size: 1,
  populationSize: 3,
  drawnAt: "2026-11-20T10:00:00Z",
  drawnBy: "key:a (auditor)",
  redrawOf,
  reason: redrawOf ? "wrong population" : null,
  items: [],
});

describe("recorded samples per control", () => {
  it("the current sample is the one no redraw replaced; the replaced ones stay listed", () => {
    const byControl = samplesByControl([
      sample("s1", "K1", "a"),
      sample("s2", "K2", "b"),
      sample("s3", "K1", "c", "s1"),
    ]);
    expect(byControl.get("K1")!.current.id).toBe("s3");
    expect(byControl.get("K1")!.earlier.map((s) => s.id)).toEqual(["s1"]);
    expect(byControl.get("K2")!.current.id).toBe("s2");
    expect(byControl.has("K3")).toBe(false);
  });

  it("says when a drawn unit operated: its interval, or when a point item was collected", () => {
    expect(unitWhen({ collectedAt: "2026-06-20T11:55:00Z", intervalStart: null, intervalEnd: null })).toBe(
      "collected 2026-06-20 11:55 UTC",
    );
    expect(
      unitWhen({
        collectedAt: "2026-07-01T00:00:00Z",
        intervalStart: "2026-06-01T00:00:00Z",
        intervalEnd: "2026-07-01T00:00:00Z",
      }),
    ).toBe("collected 2026-07-01 00:00 UTC; interval 2026-06-01 00:00 UTC to 2026-07-01 00:00 UTC");
  });
});

describe("drawing a sample", () => {
  const values = { control: "K1", seed: "s-2", redraw: false, reason: "" };

  it("a first draw needs a control and a seed", () => {
    expect(checkDraw({ ...values, seed: " " }, null)).toEqual({
      ok: false,
      problems: [{ field: "seed", reason: "is required" }],
    });
    expect(checkDraw(values, null)).toEqual({
      ok: true,
      value: { control: "K1", seed: "s-2", redraw: false, reason: null },
    });
  });

  it("never redraws a recorded sample silently: another seed needs redraw and a reason", () => {
    const recorded = { seed: "s-1" };
    const silent = checkDraw(values, recorded);
    expect(silent.ok).toBe(false);
    expect(!silent.ok && silent.problems.map((p) => p.field)).toEqual(["redraw"]);
    const noReason = checkDraw({ ...values, redraw: true }, recorded);
    expect(!noReason.ok && noReason.problems).toEqual([
      { field: "reason", reason: "is required to redraw a recorded sample" },
    ]);
    expect(checkDraw({ ...values, redraw: true, reason: " wrong population " }, recorded)).toEqual({
      ok: true,
      value: { control: "K1", seed: "s-2", redraw: true, reason: "wrong population" },
    });
    // The recorded seed reads the recorded sample back: allowed without a redraw.
    expect(checkDraw({ ...values, seed: "s-1" }, recorded).ok).toBe(true);
  });
});

describe("exceptions", () => {
  const now = new Date("2026-12-01T00:00:00Z");
  const open = { status: "OPEN" as const, due: "2027-01-15T00:00:00Z" };

  it("are open while not superseded and not closed, overdue once open past their due", () => {
    expect(exceptionStanding({ supersededBy: null, current: null }, now)).toEqual({ open: true, overdue: false });
    expect(exceptionStanding({ supersededBy: null, current: open }, now)).toEqual({ open: true, overdue: false });
    expect(exceptionStanding({ supersededBy: null, current: { ...open, due: "2026-11-30T00:00:00Z" } }, now)).toEqual({
      open: true,
      overdue: true,
    });
    expect(
      exceptionStanding({ supersededBy: null, current: { status: "REMEDIATED", due: "2026-11-30T00:00:00Z" } }, now),
    ).toEqual({ open: false, overdue: false });
    expect(exceptionStanding({ supersededBy: "x2", current: open }, now)).toEqual({ open: false, overdue: false });
  });

  it("count in words", () => {
    expect(openExceptionsWords(1)).toBe("1 open exception");
    expect(openExceptionsWords(2)).toBe("2 open exceptions");
  });

  it("filters round-trip through the URL; an unknown severity is no filter", () => {
    const f = filtersFromParams({
      open: "1",
      overdue: "1",
      owner: " Head of platform ",
      severity: "MATERIAL_WEAKNESS",
    });
    expect(f).toEqual({ open: true, overdue: true, owner: "Head of platform", severity: "MATERIAL_WEAKNESS" });
    expect(filtersFromParams(filtersToParams(f) as Record<string, string>)).toEqual(f);
    expect(filtersFromParams({ open: "0", severity: "BAD" })).toEqual({
      open: false,
      overdue: null,
      owner: null,
      severity: null,
    });
  });

  it("a recorded exception names the API's fields when a value is missing or malformed", () => {
    const bad = checkException("eng", {
      control: "",
      evidence: "",
      severity: "DEFICIENCY",
      foundAt: "yesterday",
      description: " ",
    });
    expect(!bad.ok && bad.problems.map((p) => p.field)).toEqual([
      "exception.control",
      "exception.foundAt",
      "exception.description",
    ]);
    expect(
      checkException("eng", {
        control: "K1",
        evidence: "",
        severity: "SIGNIFICANT_DEFICIENCY",
        foundAt: "2026-11-18T09:30",
        description: " one sign-off ",
      }),
    ).toEqual({
      ok: true,
      value: {
        engagement: "eng",
        control: "K1",
        evidence: null,
        severity: "SIGNIFICANT_DEFICIENCY",
        foundAt: "2026-11-18T09:30:00Z",
        description: "one sign-off",
        supersedes: null,
        id: null,
      },
    });
  });
});

describe("remediation", () => {
  const values = {
    owner: "Head of platform",
    due: "2027-01-15T00:00",
    plan: "Two approvers",
    status: "OPEN",
    closedAt: "",
    evidence: "",
  };

  it("a closed status needs closed at; an open one refuses it", () => {
    const remediated = checkRemediation("x1", { ...values, status: "REMEDIATED" });
    expect(!remediated.ok && remediated.problems).toEqual([
      { field: "remediation.closedAt", reason: "is required when the status is REMEDIATED" },
    ]);
    const open = checkRemediation("x1", { ...values, closedAt: "2026-11-30T10:00" });
    expect(!open.ok && open.problems.map((p) => p.field)).toEqual(["remediation.closedAt"]);
    expect(
      checkRemediation("x1", {
        ...values,
        status: "REMEDIATED",
        closedAt: "2026-11-30T10:00",
        evidence: "EV-1, EV-2\nEV-1",
      }),
    ).toEqual({
      ok: true,
      value: {
        exception: "x1",
        owner: "Head of platform",
        due: "2027-01-15T00:00:00Z",
        plan: "Two approvers",
        status: "REMEDIATED",
        closedAt: "2026-11-30T10:00:00Z",
        evidence: ["EV-1", "EV-2"],
        id: null,
      },
    });
  });

  it("needs an owner, a due instant and a plan", () => {
    const bad = checkRemediation("x1", { ...values, owner: "", due: "", plan: "" });
    expect(!bad.ok && bad.problems.map((p) => p.field)).toEqual([
      "remediation.owner",
      "remediation.due",
      "remediation.plan",
    ]);
  });

  it("reads evidence ids from commas, spaces and lines, once each", () => {
    expect(evidenceIds(" EV-1,EV-2  EV-1\n")).toEqual(["EV-1", "EV-2"]);
    expect(evidenceIds("")).toEqual([]);
  });
});

describe("evidence links", () => {
  it("link only to web addresses", () => {
    expect(isWebLink("https://evidence.example/a")).toBe(true);
    expect(isWebLink("javascript:alert(1)")).toBe(false);
    expect(isWebLink("s3://bucket/key")).toBe(false);
    expect(isWebLink(null)).toBe(false);
  });
});
