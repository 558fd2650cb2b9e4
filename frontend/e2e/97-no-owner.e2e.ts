/**
 * Writes (so it runs after the read-only files): a control with no owner shows "no owner set" with a
 * link to its owner page, where an editor or admin sets it; never collected, it leads "most overdue first".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { api, launch, open, type Session, openPage } from "./support";

const CONTROL = "e2e-ownerless";

describe("a control without an owner", () => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => {
    browser = await launch();
    s = await open(browser);
    // Implemented, applying to no asset, without evidence: one NEVER_COLLECTED row, no owner.
    await api(
      `mutation { upsertControls(controls: [{ id: "${CONTROL}", title: "Ownerless control", owner: "" }]) { id } }`,
    );
  });
  afterAll(async () => browser?.close());

  it("reads 'no owner set' with a link to where it is set, and never collected leads the worklist", async () => {
    await openPage(s.page, "#/missing", '[data-testid="worklist"][data-loaded]');
    const row = `[data-testid="worklist-table"] tr[data-control="${CONTROL}"]`;
    expect(await s.page.getAttribute(row, "data-reason")).toBe("NEVER_COLLECTED");
    expect(await s.page.textContent(`${row} [data-testid="no-owner"]`)).toContain("no owner set");
    expect(await s.page.getAttribute(`${row} [data-testid="no-owner"] a`, "href")).toBe(`#/owner/${CONTROL}`);
    // Most overdue first: every never-collected row before every other.
    const reasons = await s.page.$$eval('[data-testid="worklist-table"] tbody tr', (trs) =>
      trs.map((tr) => tr.getAttribute("data-reason")),
    );
    const lastNever = reasons.lastIndexOf("NEVER_COLLECTED");
    expect(reasons.slice(0, lastNever + 1).every((r) => r === "NEVER_COLLECTED")).toBe(true);
    // The owner filter offers it by the same words.
    await s.page.selectOption('select[name="owner"]', "no owner set");
    expect(await s.page.locator(row).count()).toBe(1);
    expect(s.problems).toEqual([]);
  });

  it("sets the owner where the link leads, refusing an empty one on the named field", async () => {
    await s.page.click(`[data-testid="worklist-table"] tr[data-control="${CONTROL}"] [data-testid="no-owner"] a`);
    await s.page.waitForSelector('[data-testid="owner-page"][data-loaded]');
    expect(await s.page.textContent('[data-testid="current-owner"]')).toContain("no owner set");
    await s.page.fill('input[name="owner"]', "  ");
    await s.page.getByRole("button", { name: "Set owner" }).click();
    await s.page.waitForSelector('input[name="owner"][aria-invalid="true"]');
    expect(await s.page.textContent('[role="alert"]')).toContain("controls.owner");

    await s.page.fill('input[name="owner"]', "Head of e2e");
    await s.page.getByRole("button", { name: "Set owner" }).click();
    await s.page.waitForSelector('[data-testid="owner-saved"]:has-text("Head of e2e")');
    const after = await api<{ control: { owner: string; title: string } }>(
      `{ control(id: "${CONTROL}") { owner title } }`,
    );
    expect(after.control).toEqual({ owner: "Head of e2e", title: "Ownerless control" });
    await openPage(s.page, "#/missing?owner=Head%20of%20e2e", '[data-testid="worklist"][data-loaded]');
    expect(await s.page.locator(`[data-testid="worklist-table"] tr[data-control="${CONTROL}"]`).count()).toBe(1);
    expect(s.problems).toEqual([]);
  });
});
