/**
 * The blast-radius drawing made legible (issue 16, item 4): a legend of the kinds drawn, arrows on
 * every edge, labels at one on-screen size whatever the zoom and never over the centre node,
 * control and vendor layers behind toggles, a list beside the drawing with the same content, and
 * long lists folded so the page stays short. Every expectation is the API's, asked here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { api, attrs, launch, open, screenshot, settled, type Session, openPage } from "./support";

interface Blast {
  assets: {
    totalCount: number;
    edges: {
      node: {
        assetId: string;
        distance: number;
        asset: { kind: string; dependsOn: { id: string }[]; controls: { id: string }[]; vendors: { id: string }[] };
      };
    }[];
  };
  controlIds: string[];
  vendorIds: string[];
  criteria: { id: string; framework: { id: string } }[];
  evidence: { edges: { node: { id: string; control: { id: string } } }[] };
}

async function blast(asset: string): Promise<Blast> {
  const data = await api<{ blastRadius: Blast }>(
    `query($a: ID!) { blastRadius(asset: $a) {
      assets(first: 500) { totalCount edges { node { assetId distance asset { kind dependsOn { id } controls { id } vendors { id } } } } }
      controlIds vendorIds criteria { id framework { id } } evidence(first: 300) { edges { node { id control { id } } } } } }`,
    { a: asset },
  );
  return data.blastRadius;
}

/** The asset with the largest blast radius: the most crowded drawing. */
async function busiestAsset(): Promise<string> {
  const data = await api<{ assets: { edges: { node: { id: string } }[] } }>(
    "{ assets(first: 500) { edges { node { id } } } }",
  );
  let best = { id: "", size: -1 };
  for (const { node } of data.assets.edges) {
    const size = (
      await api<{ blastRadius: { assets: { totalCount: number } } }>(
        "query($a: ID!) { blastRadius(asset: $a) { assets(first: 0) { totalCount } } }",
        { a: node.id },
      )
    ).blastRadius.assets.totalCount;
    if (size > best.size) best = { id: node.id, size };
  }
  return best.id;
}

interface Labels {
  zoom: number;
  /** On-screen font size of each visible labelled node. */
  pixels: number[];
  /** Visible non-centre nodes whose label box meets the centre node's box. */
  overCentre: string[];
}

/** Read the drawing's labels at its current zoom. */
async function labels(s: Session): Promise<Labels> {
  return s.page.evaluate(() => {
    const el = document.querySelector('[data-testid="blast-graph"]') as HTMLElement & {
      __cy: import("cytoscape").Core;
    };
    const cy = el.__cy;
    const centre = cy.nodes(".centre")[0]!.boundingBox({ includeLabels: false });
    const meets = (a: typeof centre, b: typeof centre) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
    const visible = cy.nodes(".asset, .centre, .layer").filter((n) => n.visible());
    return {
      zoom: cy.zoom(),
      pixels: visible.map((n) => parseFloat(n.style("font-size") as string) * cy.zoom()),
      overCentre: visible
        .filter((n) => !n.hasClass("centre"))
        .filter((n) => meets(n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true }), centre))
        .map((n) => n.id()),
    };
  });
}

async function zoomTo(s: Session, factor: number): Promise<void> {
  await s.page.evaluate((f) => {
    const el = document.querySelector('[data-testid="blast-graph"]') as HTMLElement & {
      __cy: import("cytoscape").Core;
    };
    const cy = el.__cy;
    cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }, factor);
}

describe("blast radius, legible", () => {
  let browser: Browser;
  let s: Session;
  let asset = "";
  let expected: Blast;
  beforeAll(async () => {
    browser = await launch();
    s = await open(browser);
    asset = await busiestAsset();
    expected = await blast(asset);
  });
  afterAll(async () => browser?.close());

  it("has a legend of the kinds drawn, arrows on every edge, and a short page", async () => {
    await openPage(s.page, `#/assets?asset=${asset}`, '[data-testid="blast-graph"][data-ready="true"]');
    const kinds = new Map<string, number>();
    for (const { node } of expected.assets.edges) kinds.set(node.asset.kind, (kinds.get(node.asset.kind) ?? 0) + 1);
    const legend = await s.page.$$eval('[data-testid="graph-legend"] li[data-kind]', (lis) =>
      lis.map((li) => [li.getAttribute("data-kind")!, (li.textContent ?? "").trim()] as const),
    );
    expect(legend.map(([k]) => k).sort()).toEqual([...kinds.keys()].sort());
    for (const [kind, text] of legend) expect(text).toBe(`${kind.toLowerCase()} (${kinds.get(kind)})`);
    // Each legend dot has the colour its nodes are drawn in.
    const colours = await s.page.evaluate(() => {
      const el = document.querySelector('[data-testid="blast-graph"]') as HTMLElement & {
        __cy: import("cytoscape").Core;
      };
      const drawn: Record<string, string> = {};
      el.__cy.nodes(".asset, .centre").forEach((n) => {
        drawn[n.data("kind") as string] = n.style("background-color") as string;
      });
      const shown: Record<string, string> = {};
      document.querySelectorAll('[data-testid="graph-legend"] li[data-kind] .dot').forEach((dot) => {
        shown[dot.parentElement!.getAttribute("data-kind")!] = getComputedStyle(dot).backgroundColor;
      });
      return { drawn, shown };
    });
    const rgb = (c: string) => c.replace(/\s/g, "");
    for (const kind of kinds.keys()) expect(rgb(colours.shown[kind]!)).toBe(rgb(colours.drawn[kind]!));

    // Every dependency edge is drawn as an arrow towards what the asset depends on.
    const arrows = await s.page.evaluate(() => {
      const el = document.querySelector('[data-testid="blast-graph"]') as HTMLElement & {
        __cy: import("cytoscape").Core;
      };
      return el.__cy.edges(".depends").map((e) => ({
        source: e.source().id(),
        target: e.target().id(),
        shape: e.style("target-arrow-shape") as string,
        scale: Number(e.style("arrow-scale")),
        width: parseFloat(e.style("width") as string),
      }));
    });
    const want = expected.assets.edges.flatMap(({ node }) =>
      node.asset.dependsOn
        .filter((d) => expected.assets.edges.some((e) => e.node.assetId === d.id) && d.id !== node.assetId)
        .map((d) => `${node.assetId}->${d.id}`),
    );
    expect(arrows.map((a) => `${a.source}->${a.target}`).sort()).toEqual(want.sort());
    for (const a of arrows) {
      expect(a.shape).toBe("triangle");
      expect(a.scale).toBeGreaterThanOrEqual(1.5);
      expect(a.width).toBeGreaterThanOrEqual(2);
    }
    // Criteria and evidence folded, the page within three screens.
    expect(
      await s.page.$$eval('[data-testid="blast-criteria"] details', (ds) =>
        ds.every((d) => !(d as HTMLDetailsElement).open),
      ),
    ).toBe(true);
    expect(
      await s.page.$$eval('[data-testid="blast-evidence"] details', (ds) =>
        ds.every((d) => !(d as HTMLDetailsElement).open),
      ),
    ).toBe(true);
    const height = await s.page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThanOrEqual(3 * 900);
    await screenshot(s.page, "blast-legible");
    expect(s.problems).toEqual([]);
  });

  it("keeps labels one size on screen at every zoom, none over the centre node", async () => {
    const at = async () => {
      const l = await labels(s);
      for (const px of l.pixels) expect(px).toBeCloseTo(13, 1);
      expect(l.overCentre).toEqual([]);
      return l;
    };
    const fitted = await at();
    const modelSize = async () =>
      s.page.evaluate(() => {
        const el = document.querySelector('[data-testid="blast-graph"]') as HTMLElement & {
          __cy: import("cytoscape").Core;
        };
        return parseFloat(el.__cy.nodes(".centre")[0]!.style("font-size") as string);
      });
    const before = await modelSize();
    await zoomTo(s, 2.5);
    const closer = await at();
    expect(closer.zoom).toBeGreaterThan(fitted.zoom);
    expect(await modelSize()).toBeLessThan(before); // the graph's font shrinks as the zoom grows
    await zoomTo(s, 0.1);
    await at();
    expect(await modelSize()).toBeGreaterThan(before);
    // The zoom buttons work from the keyboard, and "Fit" brings the whole radius back.
    await s.page.getByRole("button", { name: "Fit the drawing" }).focus();
    await s.page.keyboard.press("Enter");
    expect((await labels(s)).zoom).toBeCloseTo(fitted.zoom, 3);
    await s.page.getByRole("button", { name: "Zoom in" }).focus();
    await s.page.keyboard.press("Enter");
    expect((await labels(s)).zoom).toBeCloseTo(fitted.zoom * 1.25, 3);
    await at();
  });

  it("shows controls and vendors as layers when asked, in the drawing and in the list", async () => {
    const layerIds = async (layer: string) =>
      s.page.evaluate((l) => {
        const el = document.querySelector('[data-testid="blast-graph"]') as HTMLElement & {
          __cy: import("cytoscape").Core;
        };
        return el.__cy
          .nodes(`.layer-${l}`)
          .filter((n) => n.visible())
          .map((n) => n.id())
          .sort();
      }, layer);
    const linkedControls = new Set(expected.assets.edges.flatMap((e) => e.node.asset.controls.map((c) => c.id)));
    const linkedVendors = new Set(expected.assets.edges.flatMap((e) => e.node.asset.vendors.map((v) => v.id)));
    const controls = expected.controlIds.filter((c) => linkedControls.has(c)).sort();
    const vendors = expected.vendorIds.filter((v) => linkedVendors.has(v)).sort();
    expect(controls.length).toBeGreaterThan(0);
    expect(await layerIds("control")).toEqual([]); // off by default
    expect(await s.page.isVisible('[data-testid="blast-list"] [data-layer="control"]')).toBe(false);

    await s.page.check('input[name="layer-control"]');
    expect(await layerIds("control")).toEqual(controls);
    expect(await s.page.isVisible('[data-testid="blast-list"] [data-layer="control"]')).toBe(true);
    expect((await attrs(s.page, '[data-testid="blast-list"] li[data-control]', "data-control")).sort()).toEqual(
      controls,
    );
    // Each control's edges go to the assets it applies to, in the drawing and in the list's words.
    const control = controls[0]!;
    const appliesTo = expected.assets.edges
      .filter((e) => e.node.asset.controls.some((c) => c.id === control))
      .map((e) => e.node.assetId)
      .sort();
    const drawnTargets = await s.page.evaluate((c) => {
      const el = document.querySelector('[data-testid="blast-graph"]') as HTMLElement & {
        __cy: import("cytoscape").Core;
      };
      return el.__cy
        .edges(`[source = "${c}"]`)
        .map((e) => e.target().id())
        .sort();
    }, control);
    expect(drawnTargets).toEqual(appliesTo);
    expect(
      (
        await attrs(
          s.page,
          `[data-testid="blast-list"] li[data-control="${control}"] a[data-select-asset]`,
          "data-select-asset",
        )
      ).sort(),
    ).toEqual(appliesTo);
    expect((await labels(s)).overCentre).toEqual([]);

    if (vendors.length) {
      await s.page.check('input[name="layer-vendor"]');
      expect(await layerIds("vendor")).toEqual(vendors);
      expect((await attrs(s.page, '[data-testid="blast-list"] li[data-vendor]', "data-vendor")).sort()).toEqual(
        vendors,
      );
    }
    await s.page.uncheck('input[name="layer-control"]');
    expect(await layerIds("control")).toEqual([]);
    expect(await s.page.isVisible('[data-testid="blast-list"] [data-layer="control"]')).toBe(false);
    await screenshot(s.page, "blast-layers");
    expect(s.problems).toEqual([]);
  });

  it("lists beside the drawing the same assets by distance, each dependency named, walkable from the keyboard", async () => {
    const listed = await s.page.$$eval('[data-testid="blast-list"] li[data-asset]', (lis) =>
      lis.map((li) => ({
        id: li.getAttribute("data-asset")!,
        distance: Number(li.getAttribute("data-distance")),
        deps: [...li.querySelectorAll(":scope > div a")].map((a) => a.getAttribute("data-select-asset")!).sort(),
      })),
    );
    const ids = new Set(expected.assets.edges.map((e) => e.node.assetId));
    expect(listed.map((l) => l.id).sort()).toEqual([...ids].sort());
    expect(listed.map((l) => l.distance)).toEqual([...listed.map((l) => l.distance)].sort((a, b) => a - b));
    for (const { node } of expected.assets.edges) {
      const row = listed.find((l) => l.id === node.assetId)!;
      expect(row.distance).toBe(node.distance);
      expect(row.deps).toEqual(
        node.asset.dependsOn
          .map((d) => d.id)
          .filter((d) => ids.has(d) && d !== node.assetId)
          .sort(),
      );
    }
    // Tab reaches the list's first link; Enter on an asset there selects it.
    const other = expected.assets.edges.find((e) => e.node.distance === 1)?.node.assetId;
    if (!other) return;
    await s.page.focus(`[data-testid="blast-list"] li[data-asset="${other}"] > a`);
    await s.page.keyboard.press("Enter");
    await s.page.waitForFunction((id) => location.hash.includes(`asset=${id}`), other);
    await s.page.waitForSelector('[data-testid="blast"][data-loaded]');
    await settled(s.page);
    expect(await s.page.getAttribute('[data-testid="blast-list"] li[data-distance="0"]', "data-asset")).toBe(other);
  });

  it("folds criteria by framework and evidence by control, each with the API's items", async () => {
    await openPage(s.page, `#/assets?asset=${asset}`, '[data-testid="blast"][data-loaded]');
    const byFramework = new Map<string, string[]>();
    for (const c of expected.criteria)
      byFramework.set(c.framework.id, [...(byFramework.get(c.framework.id) ?? []), c.id]);
    for (const [fw, ids] of byFramework) {
      const group = `[data-testid="blast-criteria"] details[data-framework="${fw}"]`;
      expect((await attrs(s.page, `${group} li`, "data-criterion")).sort()).toEqual(ids.sort());
      expect(await s.page.textContent(`${group} > summary`)).toContain(`(${ids.length})`);
    }
    const byControl = new Map<string, string[]>();
    for (const { node } of expected.evidence.edges)
      byControl.set(node.control.id, [...(byControl.get(node.control.id) ?? []), node.id]);
    for (const [control, ids] of byControl) {
      const group = `[data-testid="blast-evidence"] details[data-control="${control}"]`;
      expect((await attrs(s.page, `${group} tr[data-evidence]`, "data-evidence")).sort()).toEqual(ids.sort());
      expect(await s.page.textContent(`${group} > summary`)).toContain(
        `${ids.length} item${ids.length === 1 ? "" : "s"}`,
      );
    }
    // Opened from the keyboard, a group shows its rows.
    const first = `[data-testid="blast-evidence"] details[data-control="${[...byControl.keys()][0]}"]`;
    await s.page.focus(`${first} > summary`);
    await s.page.keyboard.press("Enter");
    expect(await s.page.isVisible(`${first} tr[data-evidence]`)).toBe(true);
    expect(s.problems).toEqual([]);
  });
});
