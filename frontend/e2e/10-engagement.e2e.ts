/**
 * Engagements on the demo: the Type II page opens on the demo's engagement with its scoped gaps, the
 * engagement page shows its scope, readiness, missing evidence and gaps, and an asset page its change
 * history. Every number is the API's, asked here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import {
  api,
  attrs,
  launch,
  open,
  screenshot,
  settled,
  texts,
  visit,
  PHONE,
  type Counts,
  type Session,
  openPage,
} from "./support";
import { openAllDomains } from "./period-groups";

const DEMO = "soc2-type2-model-serving";

interface Engagement {
  id: string;
  name: string;
  kind: string;
  boundary: string[];
  categoriesInScope: string[];
  coverage: {
    totals: Counts;
    byCategory: (Counts & { category: string })[];
    criteria: { criterionId: string; status: string; carvedOut: boolean; gapCount: number }[];
  };
  missingEvidence: { totalCount: number; byReason: { reason: string; count: number }[] };
  gaps: { totalGaps: number; controls: { totalCount: number; edges: { node: { controlId: string; gaps: number } }[] } };
}

async function engagement(id: string, withGapsOnly: boolean, first = 20): Promise<Engagement> {
  const data = await api<{ engagement: Engagement }>(
    `query($id: ID!, $g: Boolean!, $n: Int) { engagement(id: $id) { id name kind boundary categoriesInScope
      coverage { totals { total covered partial uncovered } byCategory { category total covered partial uncovered }
        criteria { criterionId status carvedOut gapCount } }
      missingEvidence { totalCount byReason { reason count } }
      gaps { totalGaps controls(first: $n, withGapsOnly: $g) { totalCount edges { node { controlId gaps } } } } } }`,
    { id, g: withGapsOnly, n: first },
  );
  return data.engagement;
}

describe("engagements", () => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => {
    browser = await launch();
    s = await open(browser);
  });
  afterAll(async () => browser?.close());

  it("the Type II page opens on the demo engagement, its gaps the API's engagement gaps, and keeps the choice in the URL", async () => {
    const listed = await api<{ engagements: { edges: { node: { id: string; kind: string } }[] } }>(
      "{ engagements(first: 100) { edges { node { id kind } } } }",
    );
    expect(listed.engagements.edges.find((e) => e.node.kind === "TYPE2")?.node.id).toBe(DEMO);

    await openPage(s.page, "#/period", '[data-testid="timelines"][data-loaded]');
    expect(await s.page.inputValue('select[name="engagement"]')).toBe(DEMO);
    expect(await s.page.evaluate(() => location.hash)).toContain(`engagement=${DEMO}`);
    // The engagement brings its own framework and period: the custom fields are hidden.
    expect(await s.page.isVisible('select[name="framework"]')).toBe(false);

    const expected = await engagement(DEMO, false, 500);
    expect(Number(await s.page.textContent('[data-testid="total-gaps"]'))).toBe(expected.gaps.totalGaps);
    expect(Number(await s.page.textContent('[data-testid="control-count"]'))).toBe(expected.gaps.controls.totalCount);
    await openAllDomains(s.page);
    const shown = await s.page.$$eval(".timeline-row[data-control]", (els) =>
      els.map((el) => [el.getAttribute("data-control")!, Number(el.getAttribute("data-gaps"))] as const),
    );
    expect(Object.fromEntries(shown)).toEqual(
      Object.fromEntries(expected.gaps.controls.edges.map((e) => [e.node.controlId, e.node.gaps])),
    );
    const scope = await s.page.textContent('[data-testid="period-scope"]');
    expect(scope).toContain(expected.name);
    expect(scope).toContain(`Boundary: ${expected.boundary.length} assets`);

    // Only controls with gaps, then a reload of the deep link keeps both choices.
    await s.page.check('input[name="gapsOnly"]');
    await s.page.waitForFunction(() => location.hash.includes("gapsOnly=1"));
    await settled(s.page);
    const onlyGaps = await engagement(DEMO, true);
    expect(Number(await s.page.textContent('[data-testid="control-count"]'))).toBe(onlyGaps.gaps.controls.totalCount);
    await s.page.reload();
    await s.page.waitForSelector('[data-testid="timelines"][data-loaded]');
    await settled(s.page);
    expect(await s.page.inputValue('select[name="engagement"]')).toBe(DEMO);
    expect(await s.page.isChecked('input[name="gapsOnly"]')).toBe(true);
    expect(Number(await s.page.textContent('[data-testid="control-count"]'))).toBe(onlyGaps.gaps.controls.totalCount);

    // "Custom period" shows the framework and days again and says so in the URL.
    await s.page.selectOption('select[name="engagement"]', "custom");
    await s.page.waitForFunction(() => location.hash.includes("engagement=custom"));
    await settled(s.page);
    expect(await s.page.isVisible('select[name="framework"]')).toBe(true);
    expect(s.problems).toEqual([]);
  });

  it("the engagement page, reached from the Type II page, shows the API's scope, readiness, missing evidence and gaps", async () => {
    await visit(s.page, `#/period?engagement=${DEMO}`);
    await settled(s.page);
    await s.page.click(`[data-testid="period-scope"] a[href="#/engagement/${DEMO}"]`);
    await s.page.waitForSelector('[data-testid="engagement"][data-loaded]');
    await settled(s.page);
    const e = await engagement(DEMO, true, 100);

    expect(await s.page.textContent("h1")).toBe(e.name);
    expect(await attrs(s.page, '[data-testid="scope"] [data-category]', "data-category")).toEqual(e.categoriesInScope);
    expect(await attrs(s.page, '[data-testid="boundary"] li', "data-asset")).toEqual(e.boundary);
    expect(await attrs(s.page, '[data-testid="boundary"] a', "href")).toEqual(
      e.boundary.map((a) => `#/assets?asset=${a}`),
    );

    const count = async (key: string): Promise<number> =>
      Number(await s.page.textContent(`[data-testid="readiness"] dd[data-count="${key}"][data-scope="engagement"]`));
    expect({
      total: await count("total"),
      covered: await count("covered"),
      partial: await count("partial"),
      uncovered: await count("uncovered"),
    }).toEqual(e.coverage.totals);
    const categories = await s.page.$$eval('[data-testid="engagement-categories"] tr[data-category]', (trs) =>
      trs.map((tr) => ({
        category: tr.getAttribute("data-category")!,
        total: Number(tr.querySelector('[data-count="total"]')!.textContent),
        covered: Number(tr.querySelector('[data-count="covered"]')!.textContent),
        partial: Number(tr.querySelector('[data-count="partial"]')!.textContent),
        uncovered: Number(tr.querySelector('[data-count="uncovered"]')!.textContent),
      })),
    );
    const byCategory = (rows: { category: string }[]) => [...rows].sort((a, b) => a.category.localeCompare(b.category));
    expect(byCategory(categories)).toEqual(byCategory(e.coverage.byCategory));

    const rows = await s.page.$$eval('[data-testid="engagement-criteria"] tr[data-criterion]', (trs) =>
      trs.map((tr) => ({
        criterionId: tr.getAttribute("data-criterion")!,
        status: tr.getAttribute("data-status")!,
        carvedOut: tr.getAttribute("data-carved-out") === "1",
        gapCount: Number(tr.getAttribute("data-gaps")),
        flagged: !!tr.querySelector('[data-testid="carved-out"]'),
        shownGaps: Number(tr.querySelector('[data-testid="gaps"]')!.textContent),
        link: tr.querySelector("a")!.getAttribute("href")!,
      })),
    );
    const byId = <T extends { criterionId: string }>(list: T[]) =>
      [...list].sort((a, b) => a.criterionId.localeCompare(b.criterionId));
    expect(
      byId(rows).map(({ criterionId, status, carvedOut, gapCount }) => ({ criterionId, status, carvedOut, gapCount })),
    ).toEqual(byId(e.coverage.criteria));
    for (const r of rows) {
      expect(r.flagged).toBe(r.carvedOut);
      expect(r.shownGaps).toBe(r.gapCount);
      expect(r.link.startsWith(`#/criterion/${encodeURIComponent(r.criterionId)}`)).toBe(true);
    }
    expect(rows.reduce((n, r) => n + r.gapCount, 0)).toBeGreaterThan(0);

    expect(Number(await s.page.textContent('[data-testid="missing-count"]'))).toBe(e.missingEvidence.totalCount);
    expect(await s.page.$$eval('[data-testid="engagement-worklist"] tbody tr', (trs) => trs.length)).toBe(
      e.missingEvidence.totalCount,
    );
    for (const r of e.missingEvidence.byReason)
      expect(
        await s.page.getAttribute(`[data-testid="engagement-missing"] li[data-reason="${r.reason}"]`, "data-count"),
      ).toBe(String(r.count));

    expect(Number(await s.page.textContent('[data-testid="engagement-gaps"] [data-testid="total-gaps"]'))).toBe(
      e.gaps.totalGaps,
    );
    expect(Number(await s.page.textContent('[data-testid="gap-controls"]'))).toBe(e.gaps.controls.totalCount);
    expect(await attrs(s.page, '[data-testid="engagement-gap-controls"] tr[data-control]', "data-control")).toEqual(
      e.gaps.controls.edges.map((g) => g.node.controlId),
    );

    // A criterion row links to the criterion page.
    const first = rows[0]!;
    await s.page.click('[data-testid="engagement-criteria-fold"]'); // folded by default
    await s.page.click(`[data-testid="engagement-criteria"] tr[data-criterion="${first.criterionId}"] a`);
    await s.page.waitForFunction(() => location.hash.startsWith("#/criterion/"));
    await screenshot(s.page, "engagement-criterion");
    expect(s.problems).toEqual([]);
  });

  it("the overview links each engagement to its page, which reads on a phone", async () => {
    await visit(s.page, "#/overview");
    await settled(s.page);
    expect(await attrs(s.page, '[data-testid="overview-engagements"] li', "data-engagement")).toContain(DEMO);
    await s.page.click(`[data-testid="overview-engagements"] a[href="#/engagement/${DEMO}"]`);
    await s.page.waitForSelector('[data-testid="engagement"][data-loaded]');
    await settled(s.page);
    await screenshot(s.page, "engagement");
    const phone = await open(browser, PHONE);
    await openPage(phone.page, `#/engagement/${DEMO}`, '[data-testid="engagement"][data-loaded]');
    await screenshot(phone.page, "engagement");
    await phone.context.close();
    await visit(s.page, "#/engagement/no-such-engagement");
    await settled(s.page);
    expect(await s.page.textContent('[data-testid="engagement"]')).toContain(
      "There is no engagement no-such-engagement.",
    );
  });

  it("an asset page lists the asset's change history and changedAt as the API has them", async () => {
    type Change = { id: string; kind: string; note: string | null; propagatedFrom: string | null };
    const data = await api<{
      assets: { edges: { node: { id: string; changedAt: string | null; changes: { totalCount: number } } }[] };
    }>("{ assets(first: 200) { edges { node { id changedAt changes(first: 1) { totalCount } } } } }");
    const withChanges = data.assets.edges.map((e) => e.node).filter((a) => a.changes.totalCount > 0);
    expect(withChanges.length).toBeGreaterThan(0);
    const asset = withChanges.reduce((a, b) => (b.changes.totalCount > a.changes.totalCount ? b : a));
    const history = await api<{ changes: { totalCount: number; edges: { node: Change }[] } }>(
      "query($a: ID!) { changes(asset: $a, first: 10) { totalCount edges { node { id kind note propagatedFrom } } } }",
      { a: asset.id },
    );

    await openPage(s.page, `#/assets?asset=${asset.id}`, '[data-testid="asset-history"][data-loaded]');
    expect(Number(await s.page.textContent('[data-testid="change-count"]'))).toBe(history.changes.totalCount);
    expect(await s.page.getAttribute('[data-testid="changed-at"] time', "datetime")).toBe(asset.changedAt);
    expect(await attrs(s.page, '[data-testid="change-history"] tbody tr', "data-change")).toEqual(
      history.changes.edges.map((e) => e.node.id),
    );
    expect(await attrs(s.page, '[data-testid="change-history"] tbody tr', "data-kind")).toEqual(
      history.changes.edges.map((e) => e.node.kind),
    );
    const notes = await texts(s.page, '[data-testid="change-history"] tbody tr td:nth-child(3)');
    expect(notes).toEqual(history.changes.edges.map((e) => e.node.note ?? "—"));
    await screenshot(s.page, "asset-history");
    expect(s.problems).toEqual([]);
  });
});
