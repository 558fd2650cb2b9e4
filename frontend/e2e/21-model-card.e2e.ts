import { describe, expect, it } from "vitest";
import AxeBuilder from "@axe-core/playwright";
import { attrs, openPage, screenshot, texts, useSession } from "./support";

// The demo's fraud scorer carries the card of its CycloneDX ML-BOM (seeds/demo/imports).
describe("model card on the asset page", () => {
  const s = useSession();

  it("shows the imported card: approach, task, datasets as asset links, metrics, considerations", async () => {
    await openPage(s.page, "#/assets?asset=mdl-fraud-scorer", '[data-testid="model-card"] dl');
    const card = s.page.locator('section[aria-labelledby="model-card-title"]');
    expect(await card.isVisible()).toBe(true);
    const text = await card.innerText();
    expect(text).toContain("supervised");
    expect(text).toContain("binary classification");
    expect(await attrs(s.page, '[data-testid="model-card-datasets"] a', "data-id")).toEqual(["ds-fraud-transactions"]);
    const metrics = await texts(s.page, '[data-testid="model-card-metrics"] tbody th');
    expect(metrics).toEqual(["precision at 1% FPR", "recall", "recall"]);
    expect(text).toContain("Customers wrongly held lose access to their money");
    expect(await texts(s.page, '[data-testid="model-card-fairness"] tbody th')).toEqual(["First-time customers"]);
    await card.scrollIntoViewIfNeeded();
    await screenshot(s.page, "model-card");
  });

  it("has no serious or critical axe violation", async () => {
    await openPage(s.page, "#/assets?asset=mdl-fraud-scorer", '[data-testid="model-card"] dl');
    const result = await new AxeBuilder({ page: s.page })
      .include('section[aria-labelledby="model-card-title"]')
      .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
      .analyze();
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  });

  it("is hidden for an asset without a card", async () => {
    await openPage(s.page, "#/assets?asset=inf-gpu-cluster", '[data-testid="asset-history"][data-loaded]');
    await s.page.waitForFunction(() => !document.querySelector('[data-testid="model-card"][aria-busy]'));
    expect(await s.page.locator('section[aria-labelledby="model-card-title"]').isVisible()).toBe(false);
  });
});
