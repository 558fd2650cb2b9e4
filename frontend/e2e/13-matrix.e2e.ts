/**
 * Issue 16 items 2 and 3: the criteria matrix (every criterion, the framework's own order, filters,
 * rows expanding to controls and evidence), the CSV exports (matrix, crosswalk, Type II gaps) and the
 * printable overview and engagement. Every number is the API's.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { DEMO } from "./audit-api";
import { api, attrs, settled, visit, openPage, useSession } from "./support";
import { parseCsv } from "../src/shape/csv";
import { naturalCompare } from "../src/shape/matrix";

const SOC2 = "soc2-tsc-2017";

interface Row {
  criterionId: string;
  ref: string;
  category: string;
  status: string;
  controls: { controlId: string }[];
}

async function matrixFromApi(framework: string) {
  const data = await api<{
    coverage: { criteria: Row[] };
    controls: { edges: { node: { id: string; owner: string } }[] };
  }>(
    `query($f: ID!) { coverage(framework: $f) { criteria(assessableOnly: true) { criterionId ref category status controls { controlId } } }
      controls(first: 500) { edges { node { id owner } } } }`,
    { f: framework },
  );
  const owner = new Map(data.controls.edges.map((e) => [e.node.id, e.node.owner.trim() || "no owner set"]));
  return data.coverage.criteria.map((r) => ({ ...r, owners: r.controls.map((c) => owner.get(c.controlId)!) }));
}

async function matrixShown(page: Page): Promise<string[]> {
  return attrs(page, '[data-testid="matrix-table"] tbody tr[data-criterion]', "data-criterion");
}

async function showAll(page: Page): Promise<void> {
  const more = page.locator('[data-testid="matrix-more"]');
  if (await more.count()) await more.click();
}

async function download(page: Page, selector: string): Promise<{ name: string; rows: string[][] }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return { name: file.suggestedFilename(), rows: parseCsv(readFileSync((await file.path())!, "utf8")) };
}

describe("criteria matrix", () => {
  const s = useSession();

  it("lists every criterion, covered ones too, in the framework's own order", async () => {
    const expected = await matrixFromApi(SOC2);
    // Reached from the overview's framework card.
    await visit(s.page, "#/overview");
    await settled(s.page);
    await s.page.click(`section[data-framework="${SOC2}"] [data-testid="matrix-link"]`);
    await s.page.waitForSelector('[data-testid="criteria-matrix"][data-loaded]');
    await settled(s.page);
    await showAll(s.page);
    const shown = await matrixShown(s.page);
    expect(shown).toEqual(expected.map((r) => r.criterionId).sort(naturalCompare));
    expect(new Set(expected.map((r) => r.status)).has("COVERED")).toBe(true);
    // CC1.10 (if the catalog has one) after CC1.9: natural, not alphabetical.
    const refs = shown.map((id) => id.slice(SOC2.length + 1));
    if (refs.includes("CC1.10")) expect(refs.indexOf("CC1.10")).toBeGreaterThan(refs.indexOf("CC1.9"));
    expect(shown.indexOf(`${SOC2}:CC1.2`)).toBeLessThan(shown.indexOf(`${SOC2}:CC2.1`));
    expect(s.problems).toEqual([]);
  });

  it("filters by status, category and owner as the API's rows say, kept in the URL", async () => {
    const expected = await matrixFromApi(SOC2);
    await s.page.selectOption('select[name="status"]', "COVERED");
    await showAll(s.page);
    expect(await matrixShown(s.page)).toEqual(
      expected
        .filter((r) => r.status === "COVERED")
        .map((r) => r.criterionId)
        .sort(naturalCompare),
    );
    expect(await s.page.evaluate(() => location.hash)).toContain("status=COVERED");

    await s.page.selectOption('select[name="status"]', "");
    await s.page.selectOption('select[name="category"]', "Availability");
    await showAll(s.page);
    expect(await matrixShown(s.page)).toEqual(
      expected
        .filter((r) => r.category === "Availability")
        .map((r) => r.criterionId)
        .sort(naturalCompare),
    );

    await s.page.selectOption('select[name="category"]', "");
    const owner = expected.flatMap((r) => r.owners)[0]!;
    await s.page.selectOption('select[name="owner"]', owner);
    await showAll(s.page);
    expect(await matrixShown(s.page)).toEqual(
      expected
        .filter((r) => r.owners.includes(owner))
        .map((r) => r.criterionId)
        .sort(naturalCompare),
    );
    // A reload keeps the filter.
    await s.page.reload();
    await s.page.waitForSelector('[data-testid="criteria-matrix"][data-loaded]');
    await settled(s.page);
    expect(await s.page.inputValue('select[name="owner"]')).toBe(owner);
    await s.page.selectOption('select[name="owner"]', "");
  });

  it("expands a row to its controls and their evidence", async () => {
    const expected = await matrixFromApi(SOC2);
    const withControls = expected.find((r) => r.controls.length > 0)!;
    const row = `tr[data-criterion="${withControls.criterionId}"]`;
    await showAll(s.page);
    const detail = s.page.locator(`tr[data-detail="${withControls.criterionId}"]`);
    expect(await detail.isHidden()).toBe(true);
    await s.page.click(`${row} [data-testid="expand"]`);
    await s.page.waitForSelector(`tr[data-detail="${withControls.criterionId}"] .matrix-controls`);
    expect(await s.page.getAttribute(`${row} [data-testid="expand"]`, "aria-expanded")).toBe("true");
    const data = await api<{
      criterion: { controls: { id: string; evidence: { edges: { node: { id: string } }[] } }[] };
    }>("query($id: ID!) { criterion(id: $id) { controls { id evidence(first: 10) { edges { node { id } } } } } }", {
      id: withControls.criterionId,
    });
    const detailSel = `tr[data-detail="${withControls.criterionId}"]`;
    expect((await attrs(s.page, `${detailSel} li[data-control]`, "data-control")).sort()).toEqual(
      data.criterion.controls.map((c) => c.id).sort(),
    );
    expect((await attrs(s.page, `${detailSel} li[data-evidence]`, "data-evidence")).sort()).toEqual(
      data.criterion.controls.flatMap((c) => c.evidence.edges.map((e) => e.node.id)).sort(),
    );
    await s.page.click(`${row} [data-testid="expand"]`);
    expect(await detail.isHidden()).toBe(true);
  });

  it("exports the rows shown as CSV", async () => {
    await s.page.selectOption('select[name="status"]', "PARTIAL");
    const shown = await matrixShown(s.page);
    const csv = await download(s.page, '[data-testid="export-csv"]');
    expect(csv.name).toMatch(new RegExp(`^coverage-matrix-${SOC2}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    expect(csv.rows[0]!.slice(0, 5)).toEqual(["Criterion", "Ref", "Title", "Category", "Status"]);
    // The CSV carries every matching row, the ones behind "Show all" too.
    const expected = (await matrixFromApi(SOC2)).filter((r) => r.status === "PARTIAL");
    expect(csv.rows.slice(1).map((r) => r[0])).toEqual(expected.map((r) => r.criterionId).sort(naturalCompare));
    expect(shown.every((id, i) => csv.rows[i + 1]![0] === id)).toBe(true);
    expect(csv.rows.slice(1).every((r) => r[4] === "Partial")).toBe(true);
  });
});

describe("exports", () => {
  const s = useSession();

  it("exports the crosswalk's mappings as CSV", async () => {
    await openPage(
      s.page,
      `#/crosswalk?source=${SOC2}&target=iso-iec-27001-2022`,
      '[data-testid="crosswalk"][data-loaded]',
    );
    const data = await api<{
      crosswalk: {
        rows: { totalCount: number; edges: { node: { sourceId: string; targetId: string; strength: number } }[] };
      };
    }>(
      `{ crosswalk(source: "${SOC2}", target: "iso-iec-27001-2022") { rows(first: 500) { totalCount edges { node { sourceId targetId strength } } } } }`,
    );
    const csv = await download(s.page, '[data-testid="export-csv"]');
    expect(csv.name).toBe(`crosswalk-${SOC2}-iso-iec-27001-2022.csv`);
    expect(csv.rows.length - 1).toBe(data.crosswalk.rows.totalCount);
    const pairs = (rows: string[][]) => rows.map((r) => `${r[0]}|${r[4]}|${r[8]}`).sort();
    expect(pairs(csv.rows.slice(1))).toEqual(
      data.crosswalk.rows.edges.map((e) => `${e.node.sourceId}|${e.node.targetId}|${e.node.strength}`).sort(),
    );
  });

  it("exports every Type II gap of the engagement, all pages, as CSV", async () => {
    const data = await api<{ engagement: { gaps: { totalGaps: number } } }>(
      "query($id: ID!) { engagement(id: $id) { gaps { totalGaps } } }",
      { id: DEMO },
    );
    await openPage(s.page, `#/period?engagement=${DEMO}`, '[data-testid="timelines"][data-loaded]');
    const csv = await download(s.page, '[data-testid="export-csv"]');
    expect(csv.name).toBe(`type2-gaps-${DEMO}.csv`);
    expect(csv.rows[0]).toEqual([
      "Control",
      "Control title",
      "Frequency",
      "Gap from (UTC day)",
      "Gap to (UTC day, inclusive)",
    ]);
    expect(csv.rows.length - 1).toBe(data.engagement.gaps.totalGaps);
    expect(csv.rows.slice(1).every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r[3]!) && r[3]! <= r[4]!)).toBe(true);
  });
});

describe("printable views", () => {
  const s = useSession();

  const layout = (page: Page) =>
    page.evaluate(() => {
      const shown = (el: Element | null) => !!el && getComputedStyle(el).display !== "none";
      const scrolls = [...document.querySelectorAll(".table-scroll")];
      return {
        nav: shown(document.querySelector(".topbar")),
        buttons: [...document.querySelectorAll("main button")].filter(shown).length,
        collapsedShown: [...document.querySelectorAll(".collapsible-body")].every(shown),
        collapsed: document.querySelectorAll(".collapsible-body").length,
        clipped: scrolls.filter((el) => getComputedStyle(el).overflowX !== "visible").length,
        tables: scrolls.length,
      };
    });

  it("prints the overview without navigation, every framework's tables in full", async () => {
    await visit(s.page, "#/overview");
    await settled(s.page);
    expect(await s.page.isVisible('[data-testid="print"]')).toBe(true);
    await s.page.emulateMedia({ media: "print" });
    const printed = await layout(s.page);
    expect(printed.nav).toBe(false);
    expect(printed.buttons).toBe(0);
    expect(printed.collapsed).toBeGreaterThan(0);
    expect(printed.collapsedShown).toBe(true);
    expect(printed.tables).toBeGreaterThan(0);
    expect(printed.clipped).toBe(0);
    // Each framework starts a printed page (but the first).
    const breaks = await s.page.$$eval("section.framework", (els) => els.map((el) => getComputedStyle(el).breakBefore));
    expect(breaks.slice(1).every((b) => b === "page")).toBe(true);
    const pdf = await s.page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
    await s.page.emulateMedia({ media: "screen" });
    expect((await layout(s.page)).nav).toBe(true);
  });

  it("prints an engagement without navigation or forms, its tables unclipped", async () => {
    await openPage(s.page, `#/engagement/${DEMO}`, '[data-testid="print"]');
    await s.page.emulateMedia({ media: "print" });
    const printed = await layout(s.page);
    expect(printed.nav).toBe(false);
    expect(printed.buttons).toBe(0);
    expect(printed.tables).toBeGreaterThan(0);
    expect(printed.clipped).toBe(0);
    expect(
      await s.page.$$eval("main form", (fs) => fs.filter((f) => getComputedStyle(f).display !== "none").length),
    ).toBe(0);
    await s.page.emulateMedia({ media: "screen" });
  });
});
