import { describe, expect, it } from "vitest";
import { blastEdges, ringLayout, ringsOf } from "../../src/shape/rings";

const nodes = [
  { id: "x", distance: 0 },
  { id: "b", distance: 1 },
  { id: "a", distance: 1 },
  { id: "c", distance: 1 },
  { id: "a1", distance: 2 },
  { id: "c1", distance: 2 },
  { id: "c2", distance: 3 },
];
const edges = blastEdges([
  { assetId: "x", dependsOn: [] },
  { assetId: "a", dependsOn: ["x"] },
  { assetId: "b", dependsOn: ["x", "outside"] },
  { assetId: "c", dependsOn: ["x"] },
  { assetId: "a1", dependsOn: ["a"] },
  { assetId: "c1", dependsOn: ["c", "a"] },
  { assetId: "c2", dependsOn: ["c1"] },
]);

const radius = (p: { x: number; y: number }): number => Math.hypot(p.x, p.y);

describe("blastEdges", () => {
  it("keeps only edges between drawn assets, dependent → dependency", () => {
    expect(edges).toContainEqual({ source: "b", target: "x" });
    expect(edges.some((e) => e.target === "outside")).toBe(false);
    expect(edges).toHaveLength(7);
  });
});

describe("ringLayout", () => {
  const positions = ringLayout(nodes, edges, { step: 100, minGap: 10 });

  it("places every node once, on the ring of its distance", () => {
    expect([...positions.keys()].sort()).toEqual(nodes.map((n) => n.id).sort());
    for (const n of nodes) expect(positions.get(n.id)!.ring).toBe(n.distance);
  });

  it("puts the asset itself in the centre and rings strictly outward", () => {
    expect(radius(positions.get("x")!)).toBeCloseTo(0, 9);
    const r = (ring: number) => nodes.filter((n) => n.distance === ring).map((n) => radius(positions.get(n.id)!));
    for (const ring of [1, 2, 3]) {
      const rs = r(ring);
      rs.forEach((v) => expect(v).toBeCloseTo(rs[0]!, 6)); // one radius per ring
    }
    expect(r(1)[0]!).toBeLessThan(r(2)[0]!);
    expect(r(2)[0]!).toBeLessThan(r(3)[0]!);
  });

  it("spaces a ring's nodes evenly", () => {
    const ring1 = ["a", "b", "c"].map((id) => positions.get(id)!);
    const d = (p: { x: number; y: number }, q: { x: number; y: number }) => Math.hypot(p.x - q.x, p.y - q.y);
    expect(d(ring1[0]!, ring1[1]!)).toBeCloseTo(d(ring1[1]!, ring1[2]!), 6);
    expect(d(ring1[1]!, ring1[2]!)).toBeCloseTo(d(ring1[2]!, ring1[0]!), 6);
  });

  it("grows a crowded ring so neighbours keep their distance", () => {
    const many = [{ id: "x", distance: 0 }, ...Array.from({ length: 40 }, (_, i) => ({ id: `n${i}`, distance: 1 }))];
    const p = ringLayout(many, [], { step: 100, minGap: 50 });
    expect(radius(p.get("n0")!)).toBeCloseTo((40 * 50) / (2 * Math.PI), 6);
  });

  it("is deterministic whatever the input order", () => {
    const again = ringLayout([...nodes].reverse(), [...edges].reverse(), { step: 100, minGap: 10 });
    for (const [id, p] of positions) {
      expect(again.get(id)!.x).toBeCloseTo(p.x, 9);
      expect(again.get(id)!.y).toBeCloseTo(p.y, 9);
    }
  });

  it("keeps a lone child on its parent's side of the ring", () => {
    const a = positions.get("a")!;
    const a1 = positions.get("a1")!;
    const c2 = positions.get("c2")!;
    const c1 = positions.get("c1")!;
    expect(Math.cos(a1.angle - a.angle)).toBeGreaterThan(0);
    expect(c2.angle).toBeCloseTo(c1.angle, 9);
  });

  it("groups ids by ring", () => {
    expect([...ringsOf(nodes).entries()]).toEqual([
      [0, ["x"]],
      [1, ["a", "b", "c"]],
      [2, ["a1", "c1"]],
      [3, ["c2"]],
    ]);
  });
});

describe("ringLayout twist", () => {
  it("turns each outer ring by the twist, keeping radii", () => {
    const line = [
      { id: "x", distance: 0 },
      { id: "a", distance: 1 },
      { id: "b", distance: 2 },
      { id: "c", distance: 3 },
    ];
    const chain = [
      { source: "a", target: "x" },
      { source: "b", target: "a" },
      { source: "c", target: "b" },
    ];
    const straight = ringLayout(line, chain, { step: 100 });
    const twisted = ringLayout(line, chain, { step: 100, twist: 0.3 });
    expect(twisted.get("a")!.angle).toBeCloseTo(straight.get("a")!.angle, 9);
    expect(twisted.get("b")!.angle - twisted.get("a")!.angle).toBeCloseTo(0.3, 9);
    expect(twisted.get("c")!.angle - twisted.get("b")!.angle).toBeCloseTo(0.3, 9);
    expect(Math.hypot(twisted.get("c")!.x, twisted.get("c")!.y)).toBeCloseTo(
      Math.hypot(straight.get("c")!.x, straight.get("c")!.y),
      9,
    );
  });
});
