import { describe, expect, it } from "vitest";
import { api, attrs, settled, visit, type Session, useSession } from "./support";

interface Blast {
  assets: { totalCount: number; edges: { node: { assetId: string; distance: number } }[] };
  controlIds: string[];
  criterionIds: string[];
  frameworkIds: string[];
  vendorIds: string[];
  evidenceCount: number;
}

async function blast(asset: string, maxDepth: number | null = null): Promise<Blast> {
  const data = await api<{ blastRadius: Blast }>(
    `query($a: ID!, $d: Int) { blastRadius(asset: $a, maxDepth: $d) {
      assets(first: 500) { totalCount edges { node { assetId distance } } }
      controlIds criterionIds frameworkIds vendorIds evidenceCount } }`,
    { a: asset, d: maxDepth },
  );
  return data.blastRadius;
}

/** The asset with the largest blast radius: the most telling drawing. */
async function busiestAsset(): Promise<{ id: string; name: string }> {
  const data = await api<{ assets: { edges: { node: { id: string; name: string } }[] } }>(
    "{ assets(first: 500) { edges { node { id name } } } }",
  );
  let best = { id: "", name: "", size: -1 };
  for (const { node } of data.assets.edges) {
    const b = await blast(node.id);
    if (b.assets.totalCount > best.size) best = { ...node, size: b.assets.totalCount };
  }
  return best;
}

interface DrawnNode {
  id: string;
  distance: number;
  r: number;
}

async function drawnNodes(s: Session): Promise<DrawnNode[]> {
  await s.page.waitForSelector('[data-testid="blast-graph"][data-ready="true"]');
  return s.page.evaluate(() => {
    const el = document.querySelector('[data-testid="blast-graph"]') as HTMLElement & {
      __cy: import("cytoscape").Core;
    };
    return el.__cy.nodes(".asset, .centre").map((n) => ({
      id: n.id(),
      distance: n.data("distance") as number,
      r: Math.hypot(n.position("x"), n.position("y")),
    }));
  });
}

describe("asset explorer", () => {
  const s = useSession();

  it("searches the assets the API lists", async () => {
    const all = await api<{
      assets: { totalCount: number; edges: { node: { id: string; name: string; owner: string; kind: string } }[] };
    }>("{ assets(first: 500) { totalCount edges { node { id name owner kind } } } }");
    await visit(s.page, "#/assets");
    await settled(s.page);
    expect(await s.page.textContent('[data-testid="asset-count"]')).toBe(
      `${all.assets.totalCount} of ${all.assets.totalCount} assets`,
    );
    const target = all.assets.edges[0]!.node;
    await s.page.fill('input[name="q"]', target.id);
    const ids = await attrs(s.page, ".asset-list li", "data-asset");
    const term = target.id.toLowerCase();
    const matching = all.assets.edges
      .map((e) => e.node)
      .filter((a) => `${a.name} ${a.id} ${a.owner} ${a.kind}`.toLowerCase().includes(term));
    expect(ids[0]).toBe(target.id); // the exact match first
    expect([...ids].sort()).toEqual(
      matching
        .map((a) => a.id)
        .sort()
        .slice(0, 12),
    );
    await s.page.fill('input[name="q"]', "zzz-no-such-asset");
    expect(await s.page.textContent('[data-testid="asset-results"]')).toContain("No asset matches.");
  });

  it("draws the blast radius of a known asset in distance rings", async () => {
    const asset = await busiestAsset();
    const expected = await blast(asset.id);
    await visit(s.page, "#/assets");
    await settled(s.page);
    await s.page.fill('input[name="q"]', asset.name);
    await s.page.click(`.asset-list li[data-asset="${asset.id}"] a`);
    await s.page.waitForSelector('[data-testid="blast"][data-loaded]');
    expect(await s.page.textContent('[data-testid="blast-asset"]')).toBe(asset.name);

    const drawn = await drawnNodes(s);
    const want = expected.assets.edges.map((e) => e.node);
    expect(drawn.map((n) => n.id).sort()).toEqual(want.map((n) => n.assetId).sort());
    expect((await s.page.getAttribute('[data-testid="blast-graph"]', "data-node-ids"))!.split(" ")).toEqual(
      want.map((n) => n.assetId).sort(),
    );
    for (const n of drawn) expect(n.distance).toBe(want.find((w) => w.assetId === n.id)!.distance);
    // Rings: the asset in the centre, every farther ring strictly outside the nearer one.
    const centre = drawn.find((n) => n.distance === 0)!;
    expect(centre.id).toBe(asset.id);
    expect(centre.r).toBeLessThan(1);
    const maxR = (d: number) => Math.max(...drawn.filter((n) => n.distance === d).map((n) => n.r));
    const minR = (d: number) => Math.min(...drawn.filter((n) => n.distance === d).map((n) => n.r));
    const rings = [...new Set(drawn.map((n) => n.distance))].sort((a, b) => a - b);
    for (let i = 1; i < rings.length; i++) expect(minR(rings[i]!)).toBeGreaterThan(maxR(rings[i - 1]!));

    // The lists carry what the API says is affected.
    const listed = async (testid: string, attr: string) =>
      (await attrs(s.page, `[data-testid="${testid}"] li`, attr)).sort();
    expect(await listed("blast-controls", "data-control")).toEqual([...expected.controlIds].sort());
    expect(await listed("blast-criteria", "data-criterion")).toEqual([...expected.criterionIds].sort());
    expect(await listed("blast-frameworks", "data-framework")).toEqual([...expected.frameworkIds].sort());
    expect(await listed("blast-vendors", "data-vendor")).toEqual([...expected.vendorIds].sort());
    expect(await s.page.locator('[data-testid="blast-evidence"] tr[data-evidence]').count()).toBe(
      Math.min(expected.evidenceCount, 300),
    );
    expect(await s.page.textContent('[data-testid="blast-summary"]')).toContain(
      `${expected.evidenceCount} evidence items`,
    );

    // A shallower radius draws fewer rings.
    await s.page.selectOption('select[name="depth"]', "1");
    await s.page.waitForSelector('[data-testid="blast"][data-loaded]');
    const shallow = await blast(asset.id, 1);
    expect((await drawnNodes(s)).map((n) => n.id).sort()).toEqual(
      shallow.assets.edges.map((e) => e.node.assetId).sort(),
    );
    expect(s.problems).toEqual([]);
  });

  it("selects an asset by clicking its node", async () => {
    const drawn = await drawnNodes(s);
    const other = drawn.find((n) => n.distance === 1);
    if (!other) return;
    await s.page.evaluate((id) => {
      const el = document.querySelector('[data-testid="blast-graph"]') as HTMLElement & {
        __cy: import("cytoscape").Core;
      };
      el.__cy.getElementById(id).emit("tap");
    }, other.id);
    await s.page.waitForFunction((id) => location.hash.includes(`asset=${id}`), other.id);
    await s.page.waitForSelector('[data-testid="blast"][data-loaded]');
    await settled(s.page);
    const expected = await blast(other.id, 1);
    expect((await drawnNodes(s)).map((n) => n.id).sort()).toEqual(
      expected.assets.edges.map((e) => e.node.assetId).sort(),
    );
  });
});
