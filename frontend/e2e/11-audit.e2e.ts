/**
 * The audit on the demo engagement's page, read only: the sampled control's population and drawn
 * items (the API's Engagement.samples), the criteria's open exceptions linking to the exceptions,
 * the demo exception with its in-progress remediation; a viewer sees all of it and no form.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { DEMO, exceptions, openEngagement, population, samples } from "./audit-api";
import { api, attrs, keyFor, launch, open, screenshot, texts, type Session } from "./support";

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
    // Each drawn item's id opens its evidence page; its file is linked beside it.
    expect(await attrs(s.page, `${row} .sample-items a[data-evidence-link]`, "href")).toEqual(
      demo.items.map((i) => i.evidence!.uri),
    );
    expect(await attrs(s.page, `${row} .sample-items a[data-id-link="evidence"]`, "href")).toEqual(
      demo.items.map((i) => `#/evidence/${i.evidence!.id}`),
    );
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
    expect(await s.page.textContent(`${entry} [data-testid="exception-evidence"] a[data-id-link="evidence"]`)).toBe(
      demo.evidence,
    );
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
    await s.page.click('[data-testid="engagement-criteria-fold"]'); // folded by default

    // The link filters the exceptions to the open ones, in place, and says so in the URL.
    await s.page.click(link);
    await s.page.waitForFunction(() => location.hash.includes("open=1"));
    await s.page.waitForSelector('[data-testid="exception-list"][data-loaded]');
    expect(await s.page.inputValue('[data-testid="exception-filters"] select[name="open"]')).toBe("1");
    expect(await attrs(s.page, '[data-testid="exception-list"] li[data-exception]', "data-exception")).toEqual(
      (await exceptions({ open: true })).map((x) => x.id),
    );

    // Severity and owner filter as the API does, and stay in the URL.
    const listed = async (): Promise<string[]> => {
      await s.page.waitForSelector('[data-testid="exception-list"][data-loaded]');
      return attrs(s.page, '[data-testid="exception-list"] li[data-exception]', "data-exception");
    };
    await s.page.selectOption('[data-testid="exception-filters"] select[name="open"]', "");
    await s.page.selectOption('[data-testid="exception-filters"] select[name="severity"]', "MATERIAL_WEAKNESS");
    await s.page.waitForFunction(() => location.hash.includes("severity=MATERIAL_WEAKNESS"));
    expect(await listed()).toEqual((await exceptions({ severity: "MATERIAL_WEAKNESS" })).map((x) => x.id));
    await s.page.selectOption('[data-testid="exception-filters"] select[name="severity"]', demo.severity);
    await s.page.waitForFunction((v) => location.hash.includes(`severity=${v}`), demo.severity);
    expect(await listed()).toEqual((await exceptions({ severity: demo.severity })).map((x) => x.id));
    expect(await listed()).toContain(demo.id);
    await s.page.fill('[data-testid="exception-filters"] input[name="owner"]', demo.current!.owner);
    await s.page.press('[data-testid="exception-filters"] input[name="owner"]', "Enter");
    await s.page.waitForFunction(() => location.hash.includes("owner="));
    expect(await listed()).toEqual(
      (await exceptions({ severity: demo.severity, owner: demo.current!.owner })).map((x) => x.id),
    );
    await s.page.fill('[data-testid="exception-filters"] input[name="owner"]', "nobody at all");
    await s.page.press('[data-testid="exception-filters"] input[name="owner"]', "Enter");
    await s.page.waitForFunction(() => location.hash.includes("owner=nobody"));
    expect(await listed()).toEqual([]);
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
