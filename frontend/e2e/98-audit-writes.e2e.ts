/**
 * The audit's writes through the engagement page, on data this file creates (the demo store is
 * shared by the run, so it runs late): an auditor draws a sample, records an exception (its
 * refusals named by field) and downloads the package; an editor remediates the exception, which
 * then leaves the "open" filter.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DEMO, exceptions, openEngagement, population, samples } from "./audit-api";
import { api, attrs, keyFor, launch, open, screenshot, type Session } from "./support";
import { zipEntries, zipFile } from "./zip";

/** Each in-scope criterion's open exceptions, as the API counts them and as the page's criteria rows show them. */
async function openCounts(): Promise<Record<string, number>> {
  const data = await api<{ engagement: { coverage: { criteria: { criterionId: string; openExceptions: number }[] } } }>(
    "query($id: ID!) { engagement(id: $id) { coverage { criteria { criterionId openExceptions } } } }",
    { id: DEMO },
  );
  return Object.fromEntries(data.engagement.coverage.criteria.map((c) => [c.criterionId, c.openExceptions]));
}

async function shownCounts(page: Page): Promise<Record<string, number>> {
  return page.$$eval('[data-testid="engagement-criteria"] tr[data-criterion]', (trs) =>
    Object.fromEntries(
      trs.map((tr) => [tr.getAttribute("data-criterion"), Number(tr.getAttribute("data-open-exceptions"))]),
    ),
  );
}

const DESCRIPTION = `e2e: the October review has no approver at all (${Date.now()})`;

/** A minute ago as a datetime-local value (UTC), and the instant it means. */
function minuteAgo(): { input: string; iso: string } {
  const input = new Date(Date.now() - 60_000).toISOString().slice(0, 16);
  return { input, iso: `${input}:00Z` };
}

describe("the audit's writes on the engagement page", () => {
  let browser: Browser;
  let auditor: Session;
  let recorded: string | null = null;
  beforeAll(async () => {
    browser = await launch();
    auditor = await open(browser, undefined, true, await keyFor("AUDITOR", "e2e auditor"));
  });
  afterAll(async () => browser?.close());

  it("an auditor draws a sample of an unsampled control: its items are the API's, and a silent redraw is refused", async () => {
    const before = await samples();
    await openEngagement(auditor.page);
    expect(await auditor.page.locator('[data-testid="remediation-form"]').count()).toBe(0);
    const controls = await attrs(auditor.page, '[data-testid="samples"] tr[data-control]', "data-control");
    let control: string | null = null;
    for (const c of controls.filter((c) => !before.some((s) => s.control === c)))
      if ((await population(c)) > 0) {
        control = c;
        break;
      }
    expect(control).not.toBeNull();
    const form = '[data-testid="draw-form"]';
    await auditor.page.click('[data-testid="draw-form-fold"]'); // folded by default
    await auditor.page.selectOption(`${form} select[name="control"]`, control!);
    await auditor.page.fill(`${form} input[name="seed"]`, "e2e-fieldwork");
    await auditor.page.click(`${form} button[type="submit"]`);
    await auditor.page.waitForSelector('[data-testid="draw-message"] [data-sample]');
    const drawn = (await samples()).find((s) => s.control === control)!;
    const row = `[data-testid="samples"] tr[data-control="${control}"]`;
    expect(await auditor.page.getAttribute(row, "data-sample")).toBe(drawn.id);
    expect(await attrs(auditor.page, `${row} .sample-items li`, "data-key")).toEqual(drawn.items.map((i) => i.key));

    // Another seed without "redraw" is refused before anything is sent, on the redraw field.
    await auditor.page.fill(`${form} input[name="seed"]`, "another-seed");
    await auditor.page.click(`${form} button[type="submit"]`);
    await auditor.page.waitForSelector(`${form} [role="alert"]`);
    expect(await auditor.page.getAttribute(`${form} input[name="redraw"]`, "aria-invalid")).toBe("true");
    expect(await auditor.page.textContent(`${form} [role="alert"]`)).toContain("redraw:");
    expect((await samples()).length).toBe(before.length + 1);
    expect(auditor.problems).toEqual([]);
  });

  it("an auditor records an exception on a sampled item and it appears; refusals name the API's field", async () => {
    const demo = (await samples())[0]!;
    await openEngagement(auditor.page);
    const form = '[data-testid="exception-form"]';
    await auditor.page.click('[data-testid="exception-form-fold"]'); // folded by default
    await auditor.page.selectOption(`${form} select[name="control"]`, demo.control);
    const item = demo.items[demo.items.length - 1]!.evidence!.id;
    await auditor.page.selectOption(`${form} select[name="evidence"]`, item);
    await auditor.page.selectOption(`${form} select[name="severity"]`, "SIGNIFICANT_DEFICIENCY");

    // No description: the form says so on the field, as the API names it.
    await auditor.page.click(`${form} button[type="submit"]`);
    await auditor.page.waitForSelector(`${form} [role="alert"]`);
    expect(await auditor.page.getAttribute(`${form} textarea[name="description"]`, "aria-invalid")).toBe("true");
    expect(await auditor.page.textContent(`${form} [role="alert"]`)).toContain("exception.description");

    // Found in the future: the API refuses it, naming exception.foundAt, and nothing is recorded.
    const count = (await exceptions()).length;
    await auditor.page.fill(`${form} textarea[name="description"]`, DESCRIPTION);
    const future = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 16);
    await auditor.page.fill(`${form} input[name="foundAt"]`, future);
    await auditor.page.click(`${form} button[type="submit"]`);
    await auditor.page.waitForSelector(`${form} [role="alert"] [data-field="exception.foundAt"]`);
    expect(await auditor.page.getAttribute(`${form} input[name="foundAt"]`, "aria-invalid")).toBe("true");
    expect((await exceptions()).length).toBe(count);

    const found = minuteAgo();
    await auditor.page.fill(`${form} input[name="foundAt"]`, found.input);
    await auditor.page.click(`${form} button[type="submit"]`);
    await auditor.page.waitForSelector('[data-testid="exception-message"] [data-exception]');
    recorded = await auditor.page.getAttribute('[data-testid="exception-message"] [data-exception]', "data-exception");
    const listed = (await exceptions()).find((x) => x.id === recorded)!;
    expect(listed).toMatchObject({
      control: demo.control,
      evidence: item,
      severity: "SIGNIFICANT_DEFICIENCY",
      description: DESCRIPTION,
      current: null,
    });
    await auditor.page.waitForSelector(`[data-testid="exception-list"][data-loaded] [data-exception="${recorded}"]`);
    const entry = `[data-exception="${recorded}"]`;
    expect(await auditor.page.getAttribute(entry, "data-open")).toBe("1");
    expect(await auditor.page.textContent(`${entry} [data-testid="current-remediation"]`)).toBe("none yet");
    // The criteria behind the control count it at once, as the API does.
    const counts = await openCounts();
    await auditor.page.waitForFunction(
      (n) =>
        [...document.querySelectorAll("[data-open-exceptions]")].some(
          (tr) => Number(tr.getAttribute("data-open-exceptions")) === n,
        ),
      Math.max(...Object.values(counts)),
    );
    expect(await shownCounts(auditor.page)).toEqual(counts);
    expect(auditor.problems).toEqual([]);
  });

  it("an auditor downloads the package: a ZIP whose manifest lists its files", async () => {
    await openEngagement(auditor.page);
    const [download] = await Promise.all([
      auditor.page.waitForEvent("download"),
      auditor.page.click('[data-testid="download-package"]'),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const zip = readFileSync((await download.path())!);
    expect(zip.subarray(0, 2).toString("latin1")).toBe("PK");
    const names = zipEntries(zip).map((e) => e.name);
    const manifest = JSON.parse(zipFile(zip, "manifest.json").toString("utf8")) as {
      engagement: string;
      files: { name: string; sha256: string }[];
    };
    expect(manifest.engagement).toBe("soc2-type2-model-serving");
    expect(manifest.files.length).toBeGreaterThan(0);
    expect(manifest.files.map((f) => f.name).sort()).toEqual(names.filter((n) => n !== "manifest.json").sort());
    await auditor.page.waitForSelector('[data-testid="package-message"] .good');
    expect(auditor.problems).toEqual([]);
  });

  it("an editor remediates the exception (remediated, closed at) and it leaves the open filter", async () => {
    expect(recorded).not.toBeNull();
    const editor = await open(browser, undefined, true, await keyFor("EDITOR", "e2e editor"));
    await openEngagement(editor.page, "?open=1");
    expect(await editor.page.locator('[data-testid="exception-form"]').count()).toBe(0);
    expect(await editor.page.locator('[data-testid="draw-form"]').count()).toBe(0);
    expect(await editor.page.locator('[data-testid="download-package"]').count()).toBe(0);
    const entry = `[data-exception="${recorded}"]`;
    await editor.page.click(`${entry} .remediation-edit summary`);
    const form = `${entry} [data-testid="remediation-form"]`;
    const closed = minuteAgo();
    await editor.page.fill(`${form} input[name="owner"]`, "Head of platform engineering");
    await editor.page.fill(
      `${form} input[name="due"]`,
      new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 16),
    );
    await editor.page.fill(`${form} textarea[name="plan"]`, "e2e: second approver added to the October review");

    // Remediated without closed at: refused on that field before anything is sent.
    await editor.page.selectOption(`${form} select[name="status"]`, "REMEDIATED");
    await editor.page.click(`${form} button[type="submit"]`);
    await editor.page.waitForSelector(`${form} [role="alert"] [data-field="remediation.closedAt"]`);
    expect(await editor.page.getAttribute(`${form} input[name="closedAt"]`, "aria-invalid")).toBe("true");

    await editor.page.fill(`${form} input[name="closedAt"]`, closed.input);
    await editor.page.click(`${form} button[type="submit"]`);
    await editor.page.waitForFunction(
      (id) =>
        !document.querySelector(`[data-exception="${id}"]`) &&
        !!document.querySelector('[data-testid="exception-list"][data-loaded]'),
      recorded,
    );
    expect(await attrs(editor.page, '[data-testid="exception-list"] li[data-exception]', "data-exception")).toEqual(
      (await exceptions({ open: true })).map((x) => x.id),
    );
    const closedNow = (await exceptions({ open: false })).find((x) => x.id === recorded)!;
    expect(closedNow.current).toMatchObject({ status: "REMEDIATED", owner: "Head of platform engineering" });
    const counts = await openCounts();
    await editor.page.waitForFunction(
      (n) =>
        Math.max(
          ...[...document.querySelectorAll("[data-open-exceptions]")].map((tr) =>
            Number(tr.getAttribute("data-open-exceptions")),
          ),
        ) === n,
      Math.max(...Object.values(counts)),
    );
    expect(await shownCounts(editor.page)).toEqual(counts);

    // Without the filter it is listed as closed, with its remediation.
    await editor.page.selectOption('[data-testid="exception-filters"] select[name="open"]', "");
    await editor.page.waitForSelector(`[data-testid="exception-list"][data-loaded] ${entry}`);
    expect(await editor.page.getAttribute(entry, "data-open")).toBe("0");
    expect(await editor.page.textContent(`${entry} [data-testid="current-remediation"]`)).toContain("Remediated");
    await screenshot(editor.page, "engagement-remediated");
    expect(editor.problems).toEqual([]);
    await editor.context.close();
  });
});
