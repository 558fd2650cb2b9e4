import { describe, expect, it } from "vitest";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { DASHBOARD_PAGES, type DashboardPage } from "./dashboard-pages";
import { visit, openPage, useSession } from "./support";

/** axe-core's WCAG 2.x A/AA rules and its best practices, on every page and main interaction state. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    // "Every node inside a landmark" costs half of axe's time on a big page; the shell puts all content in <main>.
    .disableRules(["region"])
    .analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || ALSO_REFUSED.has(v.id))
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// axe reads every node's styles: the crosswalk's matrix takes it a while on a busy machine.
const AXE_TIMEOUT = 180_000;

/** The crosswalk between two smaller frameworks: the same markup, a matrix axe reads in seconds, not a minute. */
function lighter(page: DashboardPage): DashboardPage {
  return page.name === "crosswalk"
    ? { ...page, hash: "#/crosswalk?source=iso-iec-42001-2023&target=eu-ai-act-2024" }
    : page;
}

// Moderate, but a screen reader user cannot tell the framework cards' regions apart without them.
const ALSO_REFUSED = new Set(["landmark-unique"]);

describe("axe on every page, signed in", () => {
  const s = useSession();

  it.each(DASHBOARD_PAGES.map(lighter))(
    "$name has no serious or critical violation",
    async ({ hash, ready }) => {
      await openPage(s.page, hash, ready);
      expect(await violations(s.page)).toEqual([]);
    },
    AXE_TIMEOUT,
  );

  it(
    "the overview with every criterion needing attention shown",
    async () => {
      await openPage(s.page, "#/overview", "section[data-framework][data-loaded]");
      // The framework tables are collapsed by default: open the first card with a 'Show all', then press it.
      const card = s.page.locator(".collapsible:has(.attention button)").first();
      await card.locator('[data-testid="framework-details"]').click();
      await card.locator(".attention button").click();
      expect(await violations(s.page)).toEqual([]);
    },
    AXE_TIMEOUT,
  );

  it(
    "the asset search narrowed, and the change impact preview",
    async () => {
      await visit(s.page, "#/assets");
      await s.page.waitForSelector('[data-testid="asset-results"] li');
      await s.page.fill('input[type="search"]', "gpu");
      await s.page.waitForSelector('[data-testid="asset-count"]');
      expect(await violations(s.page)).toEqual([]);
      await openPage(s.page, "#/impact?asset=inf-gpu-cluster", '[data-testid="impact-preview"]');
      expect(await violations(s.page)).toEqual([]);
    },
    AXE_TIMEOUT,
  );
});

describe("axe on the pages seen signed out", () => {
  const s = useSession(undefined, false);

  it(
    "the sign-in page, empty and refusing a wrong key",
    async () => {
      await visit(s.page, "#/overview");
      await s.page.waitForSelector('[data-testid="sign-in"]');
      expect(await violations(s.page)).toEqual([]);
      await s.page.fill('input[name="apiKey"]', "not a key");
      await s.page.getByRole("button", { name: "Sign in" }).click();
      await s.page.waitForSelector('[data-testid="sign-in-message"]:not(:empty)');
      expect(await violations(s.page)).toEqual([]);
    },
    AXE_TIMEOUT,
  );
});
