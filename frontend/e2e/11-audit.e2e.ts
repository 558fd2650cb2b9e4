/**
 * The audit on the demo engagement's page, read only: the sampled control's population and drawn
 * items (the API's Engagement.samples), the criteria's open exceptions linking to the exceptions,
 * the demo exception with its in-progress remediation; a viewer sees all of it and no form.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { api, attrs, keyFor, launch, open, screenshot, settled, texts, visit, type Session } from "./support";

const DEMO = "soc2-type2-model-serving";

interface Sample {
  id: string;
  control: string;
  seed: string;
  size: number;
  populationSize: number;
  redrawOf: string | null;
  items: { key: string; collectedAt: string; evidence: { id: string; uri: string } | null }[];
}

interface Exception {
  id: string;
  control: string;
  evidence: string | null;
  severity: string;
  description: string;
  current: { owner: string; status: string; due: string } | null;
}

export async function samples(): Promise<Sample[]> {
  const data = await api<{ engagement: { samples: Sample[] } }>(
    `query($id: ID!) { engagement(id: $id) { samples { id control seed size populationSize redrawOf
      items { key collectedAt evidence { id uri } } } } }`,
    { id: DEMO },
  );
  return data.engagement.samples;
}

export async function population(control: string): Promise<number> {
  const data = await api<{ engagementPopulation: { totalCount: number } }>(
    "query($e: ID!, $c: ID!) { engagementPopulation(engagement: $e, control: $c, first: 0) { totalCount } }",
    { e: DEMO, c: control },
  );
  return data.engagementPopulation.totalCount;
}

export async function exceptions(open: boolean | null = null): Promise<Exception[]> {
  const data = await api<{ auditExceptions: { edges: { node: Exception }[] } }>(
    `query($e: ID!, $o: Boolean) { auditExceptions(engagement: $e, open: $o, first: 500) {
      edges { node { id control evidence severity description current { owner status due } } } } }`,
    { e: DEMO, o: open },
  );
  return data.auditExceptions.edges.map((e) => e.node);
}

/** The engagement page, loaded with its samples table and exception list. */
export async function openEngagement(page: Page, query = ""): Promise<void> {
  await visit(page, `#/engagement/${DEMO}${query}`);
  await page.waitForSelector('[data-testid="engagement"][data-loaded]');
  await page.waitForSelector('[data-testid="sample-table"][data-loaded]');
  await page.waitForSelector('[data-testid="exception-list"][data-loaded]');
  await settled(page);
}

describe("the audit on the engagement page", () => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => {
    browser = await launch();
    s = await open(browser);
  });
  afterAll(async () => browser?.close());

  it("shows the demo's sampled control with its population and the drawn items the API recorded", async () => {
    const recorded = await samples();
    expect(recorded.length).toBeGreaterThan(0);
    const demo = recorded[0]!;
    await openEngagement(s.page);
    const row = `[data-testid="samples"] tr[data-control="${demo.control}"]`;
    expect(await s.page.getAttribute(row, "data-sample")).toBe(demo.id);
    expect(Number(await s.page.getAttribute(row, "data-population"))).toBe(await population(demo.control));
    expect(await s.page.textContent(`${row} [data-testid="seed"]`)).toBe(demo.seed);
    expect(await s.page.textContent(row)).toContain(`${demo.size} of ${demo.populationSize}`);
    expect(await attrs(s.page, `${row} .sample-items li`, "data-key")).toEqual(demo.items.map((i) => i.key));
    expect(await attrs(s.page, `${row} .sample-items a`, "href")).toEqual(demo.items.map((i) => i.evidence!.uri));
    // Every in-scope control has a row; those never sampled say so.
    const rows = await attrs(s.page, '[data-testid="samples"] tr[data-control]', "data-control");
    expect(rows).toContain(demo.control);
    const unsampled = rows.find((c) => !recorded.some((r) => r.control === c))!;
    expect(await s.page.textContent(`[data-testid="samples"] tr[data-control="${unsampled}"]`)).toContain(
      "not sampled",
    );
    expect(s.problems).toEqual([]);
  });

  it("shows the demo exception with its in-progress remediation, and criteria count it as open", async () => {
    const all = await exceptions();
    const demo = all.find((x) => x.current?.status === "OPEN")!;
    expect(demo).toBeDefined();
    await openEngagement(s.page);
    expect(await attrs(s.page, '[data-testid="exception-list"] li[data-exception]', "data-exception")).toEqual(
      all.map((x) => x.id),
    );
    const entry = `[data-exception="${demo.id}"]`;
    expect(await s.page.getAttribute(entry, "data-open")).toBe("1");
    expect(await s.page.getAttribute(entry, "data-severity")).toBe(demo.severity);
    expect(await s.page.textContent(`${entry} [data-testid="description"]`)).toBe(demo.description);
    expect(await s.page.textContent(`${entry} [data-testid="exception-evidence"]`)).toBe(demo.evidence ?? "—");
    const current = await s.page.textContent(`${entry} [data-testid="current-remediation"]`);
    expect(current).toContain("Open");
    expect(current).toContain(demo.current!.owner);
    expect(await s.page.getAttribute(entry, "data-overdue")).toBe(
      Date.parse(demo.current!.due) < Date.now() ? "1" : "0",
    );

    const criteria = await api<{
      engagement: { coverage: { criteria: { criterionId: string; openExceptions: number }[] } };
    }>("query($id: ID!) { engagement(id: $id) { coverage { criteria { criterionId openExceptions } } } }", {
      id: DEMO,
    });
    const shown = await s.page.$$eval('[data-testid="engagement-criteria"] tr[data-criterion]', (trs) =>
      Object.fromEntries(
        trs.map((tr) => [tr.getAttribute("data-criterion"), Number(tr.getAttribute("data-open-exceptions"))]),
      ),
    );
    expect(shown).toEqual(
      Object.fromEntries(criteria.engagement.coverage.criteria.map((c) => [c.criterionId, c.openExceptions])),
    );
    const flagged = criteria.engagement.coverage.criteria.find((c) => c.openExceptions === 1)!;
    const link = `[data-testid="engagement-criteria"] tr[data-criterion="${flagged.criterionId}"] [data-testid="open-exceptions"]`;
    expect(await s.page.textContent(link)).toBe("1 open exception");

    // The link filters the exceptions to the open ones, in place, and says so in the URL.
    await s.page.click(link);
    await s.page.waitForFunction(() => location.hash.includes("open=1"));
    await s.page.waitForSelector('[data-testid="exception-list"][data-loaded]');
    expect(await s.page.inputValue('[data-testid="exception-filters"] select[name="open"]')).toBe("1");
    expect(await attrs(s.page, '[data-testid="exception-list"] li[data-exception]', "data-exception")).toEqual(
      (await exceptions(true)).map((x) => x.id),
    );
    await screenshot(s.page, "engagement-audit");
    expect(s.problems).toEqual([]);
  });

  it("a viewer sees the samples and exceptions but no form and no package", async () => {
    const viewer = await open(browser, undefined, true, await keyFor("VIEWER", "e2e audit viewer"));
    await openEngagement(viewer.page);
    expect(
      await viewer.page.locator('[data-testid="samples"] tr[data-sample]:not([data-sample=""])').count(),
    ).toBeGreaterThan(0);
    expect(await viewer.page.locator("[data-exception]").count()).toBeGreaterThan(0);
    expect(await viewer.page.locator('[data-testid="engagement"] form[data-testid$="-form"]').count()).toBe(0);
    expect(await viewer.page.locator('[data-testid="download-package"]').count()).toBe(0);
    expect(await texts(viewer.page, '[data-testid="engagement"] h2')).not.toContain("The auditor's package");
    expect(viewer.problems).toEqual([]);
    await viewer.context.close();
  });
});
