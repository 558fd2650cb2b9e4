import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { apiKey, settled, visit, useSession } from "./support";

/** Press Tab (or `key`) until `selector` has the focus (as a keyboard user would reach it), or fail. */
async function tabTo(page: Page, selector: string, limit = 150, key = "Tab"): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
  }
  throw new Error(`${selector} was not reached with ${limit} presses of ${key}`);
}

const focused = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const el = document.activeElement;
    return `${el?.tagName.toLowerCase()} ${(el?.textContent ?? "").trim().slice(0, 60)}`;
  });

/** The main interactions, with the keyboard only: no clicks anywhere in this file. */
describe("keyboard only", () => {
  const s = useSession(undefined, false);

  it("signs in: the key field has the focus, Enter sends it", async () => {
    await visit(s.page, "#/overview");
    await s.page.waitForSelector('[data-testid="sign-in"]');
    await s.page.keyboard.type(apiKey());
    await s.page.keyboard.press("Enter");
    await s.page.waitForSelector("section[data-framework][data-loaded]");
    expect(await focused(s.page)).toMatch(/^h1 /);
  });

  it("shows every criterion needing attention, and moves the focus to the first one added", async () => {
    await settled(s.page);
    // The framework tables are collapsed by default: open the first card with a 'Show all' from the keyboard.
    await tabTo(s.page, '.collapsible:has(.attention button) > [data-testid="framework-details"]');
    await s.page.keyboard.press("Enter");
    await tabTo(s.page, ".attention button");
    const label = await focused(s.page);
    await s.page.keyboard.press("Enter");
    expect(label).toMatch(/Show all \d+/);
    expect(await focused(s.page)).toMatch(/^a /);
    expect(await s.page.evaluate(() => document.activeElement?.closest("li")?.parentElement?.children.length)).toBe(
      Number(/\d+/.exec(label)![0]),
    );
  });

  it("finds an asset by typing and opens its blast radius with Enter", async () => {
    await visit(s.page, "#/assets");
    await s.page.waitForSelector('[data-testid="asset-results"] li');
    await tabTo(s.page, 'input[type="search"]');
    await s.page.keyboard.type("gpu");
    await tabTo(s.page, "[data-select-asset]");
    const asset = await s.page.evaluate(() => document.activeElement?.getAttribute("data-select-asset"));
    await s.page.keyboard.press("Enter");
    await s.page.waitForSelector('[data-testid="blast-graph"][data-ready="true"]');
    expect(s.page.url()).toContain(`asset=${asset}`);
  });

  it("previews a change's impact with Enter in its form", async () => {
    await visit(s.page, "#/impact?asset=inf-gpu-cluster");
    await s.page.waitForSelector('[data-testid="impact"][data-loaded]');
    await tabTo(s.page, 'input[name="note"]');
    await s.page.keyboard.type("keyboard check");
    await s.page.keyboard.press("Enter");
    await s.page.waitForFunction(() => location.hash.includes("note=keyboard"));
    await s.page.waitForSelector('[data-testid="impact-preview"]');
    await settled(s.page);
  });

  it("changes the crosswalk's target framework with the arrow keys", async () => {
    await visit(s.page, "#/crosswalk");
    await s.page.waitForSelector('[data-testid="crosswalk"][data-loaded]');
    await tabTo(s.page, 'select[name="target"]');
    const before = await s.page.inputValue('select[name="target"]');
    await s.page.keyboard.press("ArrowDown");
    await s.page.waitForFunction((b) => !location.hash.includes(`target=${b}`), before);
    await s.page.waitForSelector('[data-testid="crosswalk"][data-loaded]');
    expect(await s.page.inputValue('select[name="target"]')).not.toBe(before);
  });

  it("signs out from the top bar", async () => {
    // Back up from the crosswalk's select to the top bar: forward, the whole matrix of links comes first.
    await tabTo(s.page, '[data-testid="sign-out"]', 150, "Shift+Tab");
    await s.page.keyboard.press("Enter");
    await s.page.waitForSelector('[data-testid="sign-in"]');
    expect(s.problems.filter((p) => !p.includes("401"))).toEqual([]);
  });
});
