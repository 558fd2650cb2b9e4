/** Shared by the Type II page's end-to-end tests: open every domain group and wait for its controls. */
import type { Page } from "playwright-core";
import { settled } from "./support";

/** Open each collapsed domain (by its summary, as a reader would) and wait until its rows are drawn. */
export async function openAllDomains(page: Page): Promise<void> {
  const domains = page.locator("details.domain-group");
  const count = await domains.count();
  for (let i = 0; i < count; i++) {
    const domain = domains.nth(i);
    if (!(await domain.evaluate((d) => (d as HTMLDetailsElement).open))) await domain.locator("> summary").click();
  }
  await page.waitForFunction(() =>
    [...document.querySelectorAll("details.domain-group")].every((d) => d.hasAttribute("data-loaded")),
  );
  await settled(page);
}
