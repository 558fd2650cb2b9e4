import { describe, expect, it } from "vitest";
import {
  fitViewport,
  groupBy,
  kindsDrawn,
  labelFontSize,
  labelSide,
  layerEdges,
  LABEL_PX,
} from "../../src/shape/blast-view";

describe("the blast-radius drawing's shape", () => {
  it("links controls to the assets they apply to and assets to their vendors, among those drawn", () => {
    const affected = [
      { assetId: "a", controls: ["c1", "c2", "c1"], vendors: ["v1"] },
      { assetId: "b", controls: ["c1", "c-elsewhere"], vendors: [] },
    ];
    expect(layerEdges(affected, new Set(["c1", "c2"]), new Set(["v1"]))).toEqual([
      { source: "c1", target: "a", layer: "control" },
      { source: "c1", target: "b", layer: "control" },
      { source: "c2", target: "a", layer: "control" },
      { source: "a", target: "v1", layer: "vendor" },
    ]);
  });

  it("puts each label on the side facing away from the centre", () => {
    expect(labelSide(0, -150)).toBe("top");
    expect(labelSide(10, 150)).toBe("bottom");
    expect(labelSide(-150, 20)).toBe("left");
    expect(labelSide(150, -20)).toBe("right");
    expect(labelSide(0, 0)).toBe("bottom"); // the centre
  });

  it("sizes labels to the zoom so they draw at one on-screen size", () => {
    expect(labelFontSize(1)).toBe(LABEL_PX);
    expect(labelFontSize(0.25)).toBe(LABEL_PX * 4);
    expect(labelFontSize(2) * 2).toBe(LABEL_PX);
    expect(labelFontSize(0)).toBe(LABEL_PX);
  });

  it("lists the kinds drawn in the legend's order, with counts", () => {
    const nodes = [{ kind: "DATASET" }, { kind: "MODEL" }, { kind: "DATASET" }, { kind: "ODD" }];
    expect(kindsDrawn(nodes, ["MODEL", "DATASET"])).toEqual([
      { kind: "MODEL", count: 1 },
      { kind: "DATASET", count: 2 },
      { kind: "ODD", count: 1 },
    ]);
  });

  it("groups items by a key, sorted when asked", () => {
    const items = [
      { f: "SOC 2", id: 1 },
      { f: "ISO", id: 2 },
      { f: "SOC 2", id: 3 },
    ];
    expect(groupBy(items, (i) => i.f).map((g) => [g.key, g.items.map((i) => i.id)])).toEqual([
      ["SOC 2", [1, 3]],
      ["ISO", [2]],
    ]);
    expect(
      groupBy(
        items,
        (i) => i.f,
        (a, b) => a.localeCompare(b),
      ).map((g) => g.key),
    ).toEqual(["ISO", "SOC 2"]);
  });
});

describe("fitting the drawing", () => {
  it("fits the box into the canvas less the label room, centred, within the zoom limits", () => {
    const box = { x1: -300, y1: -200, w: 600, h: 400 };
    const v = fitViewport(box, 1000, 600, 100, 50, 0.05, 4);
    expect(v.zoom).toBeCloseTo(Math.min(800 / 600, 500 / 400), 9);
    expect(v.pan).toEqual({ x: 500, y: 300 }); // the box's centre (0, 0) at the canvas's centre
    expect(fitViewport(box, 1000, 600, 100, 50, 0.05, 1).zoom).toBe(1);
    expect(fitViewport({ x1: 0, y1: 0, w: 1e6, h: 1e6 }, 1000, 600, 100, 50, 0.05, 4).zoom).toBe(0.05);
    // A single node (an empty box) still gets a zoom inside the limits.
    expect(fitViewport({ x1: 0, y1: 0, w: 0, h: 0 }, 1000, 600, 100, 50, 0.05, 4).zoom).toBe(4);
  });
});
