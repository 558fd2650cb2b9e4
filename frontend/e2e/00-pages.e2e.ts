import { describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DASHBOARD_PAGES } from "./dashboard-pages";
import { DESKTOP, PHONE, REPO_ROOT, screenshot, settled, visit, openPage, useSession } from "./support";

/** Every page, as a person sees it at 1280 px and on a 390 px phone. */
describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
])("every page on %s", (_, viewport) => {
  const s = useSession(viewport);

  it.each(DASHBOARD_PAGES)(
    "$name renders, fits the screen, labels its controls and saves a screenshot",
    async ({ name, hash, ready, short }) => {
      await openPage(s.page, hash, ready);
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
      if (short && viewport === DESKTOP) {
        const height = await s.page.evaluate(() => document.documentElement.scrollHeight);
        expect(height, "taller than 3 screens").toBeLessThanOrEqual(3 * DESKTOP.height);
      }
      await screenshot(s.page, name.replace(/\s+/g, "-"));
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
  const s = useSession();

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
