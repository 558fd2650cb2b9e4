import { describe, expect, it } from "vitest";
import {
  countDeltas,
  direction,
  findRecordedChange,
  groupStale,
  recordQuestion,
  sortDeltas,
  staleItemCount,
} from "../../src/shape/impact";
import { searchAssets } from "../../src/shape/assets";
import type { AssetKind } from "../../src/api/types";

describe("impact shaping", () => {
  it("reads a status move as worse or better", () => {
    expect(direction("COVERED", "PARTIAL")).toBe("worse");
    expect(direction("UNCOVERED", "COVERED")).toBe("better");
    expect(direction("PARTIAL", "PARTIAL")).toBe("same");
  });

  it("computes per-status count deltas", () => {
    expect(
      countDeltas(
        { total: 61, covered: 50, partial: 7, uncovered: 4 },
        { total: 61, covered: 26, partial: 31, uncovered: 4 },
      ),
    ).toEqual([
      { key: "covered", before: 50, after: 26, delta: -24 },
      { key: "partial", before: 7, after: 31, delta: 24 },
      { key: "uncovered", before: 4, after: 4, delta: 0 },
    ]);
  });

  it("lists frameworks with the most moves first", () => {
    const counts = { total: 1, covered: 1, partial: 0, uncovered: 0 };
    const d = (frameworkId: string, n: number) => ({
      frameworkId,
      before: counts,
      after: counts,
      changes: Array.from({ length: n }, () => ({
        criterionId: "x",
        before: "COVERED" as const,
        after: "PARTIAL" as const,
        criterion: null,
      })),
    });
    expect(sortDeltas([d("b", 1), d("a", 1), d("c", 3), d("d", 0)]).map((x) => x.frameworkId)).toEqual([
      "c",
      "a",
      "b",
      "d",
    ]);
  });

  it("groups stale evidence per item", () => {
    const g = groupStale([
      { evidenceId: "E2", controlId: "C2", assetId: "a" },
      { evidenceId: "E1", controlId: "C1", assetId: "a" },
      { evidenceId: "E2", controlId: "C2", assetId: "b" },
    ]);
    expect(g.map((x) => [x.evidenceId, x.assetIds])).toEqual([
      ["E1", ["a"]],
      ["E2", ["a", "b"]],
    ]);
  });
});

describe("searchAssets", () => {
  const asset = (id: string, name: string, kind: AssetKind = "MODEL", owner = "ml") => ({
    id,
    name,
    kind,
    owner,
    environment: "",
    criticality: "",
  });
  const assets = [
    asset("inf-gpu-cluster", "Production GPU inference cluster", "INFRASTRUCTURE", "sre"),
    asset("mdl-gpu", "GPU model"),
    asset("ds-x", "Dataset X", "DATASET"),
  ];

  it("matches every term in name, id, owner or kind, best first", () => {
    expect(searchAssets(assets, "gpu").map((a) => a.id)).toEqual(["mdl-gpu", "inf-gpu-cluster"]);
    expect(searchAssets(assets, "GPU sre").map((a) => a.id)).toEqual(["inf-gpu-cluster"]);
    expect(searchAssets(assets, "dataset").map((a) => a.id)).toEqual(["ds-x"]);
    expect(searchAssets(assets, "nothing")).toEqual([]);
  });

  it("returns everything by name for an empty query", () => {
    expect(searchAssets(assets, "  ").map((a) => a.id)).toEqual(["ds-x", "mdl-gpu", "inf-gpu-cluster"]);
  });
});

describe("recording a change", () => {
  it("counts stale evidence items, not item/asset pairs", () => {
    const rows = [{ evidenceId: "e1" }, { evidenceId: "e1" }, { evidenceId: "e2" }];
    expect(staleItemCount(rows)).toBe(2);
    expect(staleItemCount([])).toBe(0);
  });

  it("asks naming the asset, the instant and the number of items going stale", () => {
    expect(recordQuestion("Chat model", "mdl-chat", "2026-11-30 10:00 UTC", 3)).toBe(
      "Record a change of Chat model (mdl-chat) at 2026-11-30 10:00 UTC? 3 evidence items will go stale.",
    );
    expect(recordQuestion("mdl-chat", "mdl-chat", "2026-11-30 10:00 UTC", 1)).toBe(
      "Record a change of mdl-chat at 2026-11-30 10:00 UTC? 1 evidence item will go stale.",
    );
  });

  it("finds the change just recorded among the asset's history", () => {
    const sentAt = Date.parse("2026-11-30T10:05:00Z");
    const at = "2026-11-30T10:00:00Z";
    const base = { at, kind: "RETRAIN", note: "n", propagatedFrom: null, recordedAt: "2026-11-30T10:05:01Z" };
    const history = [
      { ...base, id: "older", recordedAt: "2026-11-29T09:00:00Z" }, // same facts, recorded yesterday
      { ...base, id: "followed", propagatedFrom: "other" }, // a propagated copy
      { ...base, id: "other-kind", kind: "CONFIG" },
      { ...base, id: "mine" },
      { ...base, id: "other-at", at: "2026-11-30T09:00:00Z" },
    ];
    const facts = { at: "2026-11-30T10:00:00.000Z", kind: "RETRAIN", note: "n", sentAt };
    expect(findRecordedChange(history, facts)?.id).toBe("mine");
    expect(findRecordedChange(history, { ...facts, note: null })).toBeNull();
    // Two identical records in a row: the later one.
    const twice = [...history, { ...base, id: "again", recordedAt: "2026-11-30T10:05:09Z" }];
    expect(findRecordedChange(twice, facts)?.id).toBe("again");
  });
});
