import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DASHBOARD_PAGES } from "./dashboard-pages";
import { baseUrl, launch, open, settled, type Session } from "./support";

interface Shift {
  value: number;
  startTime: number;
  sources: string[];
}

/** The document's layout shifts so far (those right after input excluded), from a buffered observer. */
async function shifts(page: Page): Promise<Shift[]> {
  return page.evaluate(() => {
    const observer = new PerformanceObserver(() => undefined);
    observer.observe({ type: "layout-shift", buffered: true });
    const entries = observer.takeRecords() as (PerformanceEntry & {
      value: number;
      hadRecentInput: boolean;
      sources?: { node?: Node | null }[];
    })[];
    observer.disconnect();
    const name = (node: Node | null | undefined): string => {
      const el = node instanceof Element ? node : node?.parentElement;
      if (!el) return "?";
      const label = el.getAttribute("data-framework") ?? el.getAttribute("data-testid") ?? el.className;
      return `${el.tagName.toLowerCase()}${label ? `[${String(label)}]` : ""}`;
    };
    return entries
      .filter((e) => !e.hadRecentInput)
      .map((e) => ({ value: e.value, startTime: e.startTime, sources: (e.sources ?? []).map((s) => name(s.node)) }));
  });
}

/** Cumulative Layout Shift as browsers report it: the largest session window (gaps < 1 s, ≤ 5 s long). */
function cls(entries: readonly Shift[]): number {
  let worst = 0;
  let sum = 0;
  let first = -Infinity;
  let last = -Infinity;
  for (const e of [...entries].sort((a, b) => a.startTime - b.startTime)) {
    if (e.startTime - last > 1000 || e.startTime - first > 5000) {
      sum = 0;
      first = e.startTime;
    }
    sum += e.value;
    last = e.startTime;
    worst = Math.max(worst, sum);
  }
  return worst;
}

/** Load `hash` in a fresh document (a hash change alone would keep the last page's shifts) until settled. */
async function load(s: Session, hash: string, ready: string): Promise<Page> {
  const page = await s.context.newPage();
  await page.goto(`${baseUrl()}/${hash}`);
  await page.waitForSelector(ready, { timeout: 30_000 });
  await settled(page);
  // Two frames: whatever the last answer changed has been laid out.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page;
}

describe("no layout shift on load (CLS ≤ 0.1)", () => {
  let browser: Browser;
  let s: Session;
  let signedOut: Session;
  beforeAll(async () => {
    browser = await launch();
    s = await open(browser, { width: 1440, height: 900 });
    signedOut = await open(browser, { width: 1440, height: 900 }, false);
  });
  afterAll(async () => browser?.close());

  it.each(DASHBOARD_PAGES)("$name", async ({ hash, ready }) => {
    const page = await load(s, hash, ready);
    const seen = await shifts(page);
    expect(cls(seen), JSON.stringify(seen)).toBeLessThanOrEqual(0.1);
    await page.close();
  });

  it("the sign-in page", async () => {
    const page = await load(signedOut, "#/overview", '[data-testid="sign-in"]');
    expect(cls(await shifts(page))).toBeLessThanOrEqual(0.1);
    await page.close();
  });
});
