import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DESKTOP, PHONE, REPO_ROOT, launch, open, screenshot, settled, visit, type Session } from "./support";

/** Every page, as a person sees it at 1280 px and on a 390 px phone. */
const PAGES: { name: string; hash: string; ready: string }[] = [
  { name: "overview", hash: "#/overview", ready: "section[data-framework][data-loaded]" },
  {
    name: "criterion",
    hash: `#/criterion/${encodeURIComponent("soc2-tsc-2017:CC6.1")}`,
    ready: ".criterion-body[data-loaded]",
  },
  { name: "assets", hash: "#/assets?asset=inf-gpu-cluster", ready: '[data-testid="blast-graph"][data-ready="true"]' },
  { name: "missing", hash: "#/missing", ready: '[data-testid="worklist"][data-loaded]' },
  { name: "period", hash: "#/period", ready: '[data-testid="timelines"][data-loaded]' },
  { name: "crosswalk", hash: "#/crosswalk", ready: '[data-testid="crosswalk"][data-loaded]' },
  { name: "impact", hash: "#/impact?asset=inf-gpu-cluster", ready: '[data-testid="impact"][data-loaded]' },
  {
    name: "engagement",
    hash: "#/engagement/soc2-type2-model-serving",
    ready: '[data-testid="engagement"][data-loaded]',
  },
  { name: "control", hash: "#/control/AGC-CHG-02", ready: '[data-testid="control-gaps"][data-loaded]' },
  { name: "vendor", hash: "#/vendor/ven-cumulus-cloud", ready: '[data-testid="lapse"][data-loaded]' },
  { name: "evidence", hash: "#/evidence/EV-CHG-02-2026-06-10", ready: '[data-testid="evidence-page"][data-loaded]' },
  { name: "matrix", hash: "#/matrix?framework=soc2-tsc-2017", ready: '[data-testid="criteria-matrix"][data-loaded]' },
  { name: "owner", hash: "#/owner/AGC-GOV-01", ready: '[data-testid="owner-page"][data-loaded]' },
];

describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
])("every page on %s", (_, viewport) => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => {
    browser = await launch();
    s = await open(browser, viewport);
  });
  afterAll(async () => browser?.close());

  it.each(PAGES)(
    "$name renders, fits the screen, labels its controls and saves a screenshot",
    async ({ name, hash, ready }) => {
      await visit(s.page, hash);
      await s.page.waitForSelector(ready, { timeout: 30_000 });
      await settled(s.page);
      await s.page.waitForTimeout(150); // let the graph fit its canvas
      // No sideways scrolling of the page itself (wide tables scroll inside their own region).
      const overflow = await s.page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(1);
      // Every form control has a label.
      const unlabelled = await s.page.$$eval("input, select, textarea", (els) =>
        els
          .filter(
            (el) =>
              (el as HTMLInputElement).labels?.length === 0 &&
              !el.getAttribute("aria-label") &&
              !el.getAttribute("aria-labelledby"),
          )
          .map((el) => el.outerHTML),
      );
      expect(unlabelled).toEqual([]);
      expect(await s.page.locator("h1").count()).toBe(1);
      expect(await s.page.locator(".state-error").count()).toBe(0);
      await screenshot(s.page, name);
      if (name === "overview" && viewport === DESKTOP && process.env.README_SCREENSHOT === "1") {
        const dir = join(REPO_ROOT, "docs", "screenshots");
        mkdirSync(dir, { recursive: true });
        await s.page.screenshot({ path: join(dir, "overview.png") });
      }
      expect(s.problems).toEqual([]);
    },
  );
});

describe("keyboard", () => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => {
    browser = await launch();
    s = await open(browser);
  });
  afterAll(async () => browser?.close());

  it("reaches the skip link and the navigation first, with a visible focus ring", async () => {
    await visit(s.page, "#/overview");
    await settled(s.page);
    await s.page.keyboard.press("Tab");
    expect(await s.page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await s.page.keyboard.press("Tab"); // brand
    await s.page.keyboard.press("Tab"); // first nav link
    const focused = await s.page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { text: el.textContent, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    expect(focused.text).toBe("Overview");
    expect(focused.outline).not.toBe("none");
    expect(focused.width).toBeGreaterThanOrEqual(2);
  });

  it("moves between pages with Enter and puts focus on the new page's heading", async () => {
    await s.page.focus('a[data-nav="missing"]');
    await s.page.keyboard.press("Enter");
    await s.page.waitForFunction(() => document.activeElement?.tagName === "H1");
    expect(await s.page.evaluate(() => document.activeElement?.textContent)).toBe("Missing evidence");
    expect(await s.page.getAttribute('a[data-nav="missing"]', "aria-current")).toBe("page");
  });
});
