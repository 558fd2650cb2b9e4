/**
 * Carve-outs on the demo: CC6.4 (physical access) is carved out to the cloud provider, COVERED with
 * the flag while its SOC 2 report stands in, and a worklist row naming the vendor once it lapses.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../src/shape/csv";
import { api, attrs, openPage, useSession } from "./support";

const SOC2 = "soc2-tsc-2017";
const CC64 = `${SOC2}:CC6.4`;
const CONTROL = "AGC-INF-06";

interface Row {
  criterionId: string;
  status: string;
  carvedOut: boolean;
  reason: string;
}

async function rows(asOf: string | null = null): Promise<Row[]> {
  const data = await api<{ coverage: { criteria: Row[] } }>(
    `query($f: ID!, $a: DateTime) { coverage(framework: $f, asOf: $a) { criteria(assessableOnly: true) { criterionId status carvedOut reason } } }`,
    { f: SOC2, a: asOf },
  );
  return data.coverage.criteria;
}

interface Vendor {
  id: string;
  name: string;
  reportKind: string | null;
  reportValidUntil: string | null;
}

async function vendorsOf(control: string): Promise<{ status: string; vendors: Vendor[] }> {
  const data = await api<{ control: { status: string; vendors: Vendor[] } }>(
    `query($id: ID!) { control(id: $id) { status vendors { id name reportKind reportValidUntil } } }`,
    { id: control },
  );
  return data.control;
}

const day = (iso: string) => iso.slice(0, 10);
const dayAfter = (iso: string) => new Date(Date.parse(iso) + 86_400_000).toISOString().slice(0, 10);

describe("carved-out criteria", () => {
  const s = useSession();

  it("the overview lists CC6.4 COVERED with the carved-out flag, and exactly the criteria the API flags", async () => {
    const report = await rows();
    const cc64 = report.find((r) => r.criterionId === CC64)!;
    expect(cc64).toMatchObject({ status: "COVERED", carvedOut: true });

    await openPage(s.page, "#/overview", `section[data-framework="${SOC2}"][data-loaded]`);
    const list = `section[data-framework="${SOC2}"] [data-testid="carved-out-criteria"]`;
    expect((await attrs(s.page, `${list} li`, "data-criterion")).sort()).toEqual(
      report
        .filter((r) => r.carvedOut)
        .map((r) => r.criterionId)
        .sort(),
    );
    const item = s.page.locator(`${list} li[data-criterion="${CC64}"]`);
    expect(await item.getAttribute("data-status")).toBe("COVERED");
    expect(await item.locator('[data-testid="carved-out"]').textContent()).toBe("carved out");
    expect(await item.locator(".badge").textContent()).toBe("Covered");
    expect(await item.locator(".reason").textContent()).toBe(cc64.reason);
    expect(s.problems).toEqual([]);
  });

  it("the criterion page flags CC6.4 and shows the provider's report and its end", async () => {
    const control = await vendorsOf(CONTROL);
    expect(control.status).toBe("CARVED_OUT");
    expect(control.vendors.length).toBeGreaterThan(0);

    await openPage(s.page, `#/criterion/${encodeURIComponent(CC64)}`, ".criterion-body[data-loaded]");
    expect(await s.page.getAttribute(".criterion-status .badge", "data-status")).toBe("COVERED");
    expect(await s.page.textContent('.criterion-status [data-testid="carved-out"]')).toBe("carved out");
    const card = `article[data-control="${CONTROL}"] [data-testid="relies-on"]`;
    expect((await attrs(s.page, `${card} li`, "data-vendor")).sort()).toEqual(control.vendors.map((v) => v.id).sort());
    for (const v of control.vendors) {
      const li = s.page.locator(`${card} li[data-vendor="${v.id}"]`);
      const text = (await li.textContent())!;
      expect(text).toContain(v.name);
      if (v.reportKind === "SOC2_TYPE2") expect(text).toContain("SOC 2 Type II report");
      expect(text).toContain(`valid until ${day(v.reportValidUntil!)}`);
      expect(await li.getAttribute("data-report")).toBe("VALID");
    }
    expect(s.problems).toEqual([]);
  });

  it("once the report has run out, the criterion page marks it expired and the worklist names the vendor", async () => {
    const { vendors } = await vendorsOf(CONTROL);
    const vendor = vendors[0]!;
    const after = dayAfter(vendor.reportValidUntil!);
    const asOf = `${after}T23:59:59Z`;
    const cc64 = (await rows(asOf)).find((r) => r.criterionId === CC64)!;
    expect(cc64.status).not.toBe("COVERED");

    await openPage(s.page, `#/criterion/${encodeURIComponent(CC64)}?asOf=${after}`, ".criterion-body[data-loaded]");
    expect(await s.page.getAttribute(".criterion-status .badge", "data-status")).toBe(cc64.status);
    expect(await s.page.locator('.criterion-status [data-testid="carved-out"]').count()).toBe(cc64.carvedOut ? 1 : 0);
    const li = `article[data-control="${CONTROL}"] [data-testid="relies-on"] li[data-vendor="${vendor.id}"]`;
    expect(await s.page.getAttribute(li, "data-report")).toBe("EXPIRED");
    expect(await s.page.textContent(li)).toContain("report expired");

    // The overview that day: CC6.4 needs attention, still flagged as the subservice organization's.
    await openPage(s.page, `#/overview?asOf=${after}`, `section[data-framework="${SOC2}"][data-loaded]`);
    const section = `section[data-framework="${SOC2}"]`;
    await s.page.click(`${section} [data-testid="framework-details"]`); // collapsed by default
    const showAll = s.page.locator(`${section} .attention button`);
    if (await showAll.count()) await showAll.click();
    const worst = `${section} [data-testid="worst-criteria"] li[data-criterion="${CC64}"]`;
    expect(await s.page.getAttribute(worst, "data-status")).toBe(cc64.status);
    expect(await s.page.locator(`${worst} [data-testid="carved-out"]`).count()).toBe(cc64.carvedOut ? 1 : 0);
    expect(await s.page.textContent(`${worst} .reason`)).toBe(cc64.reason);

    const expected = await api<{
      missingEvidence: { rows: { edges: { node: { controlId: string; vendorId: string; since: string } }[] } };
    }>(
      `query($f: ID, $a: DateTime) { missingEvidence(framework: $f, asOf: $a) {
        rows(first: 500, reason: VENDOR_REPORT_EXPIRED) { edges { node { controlId vendorId since } } } } }`,
      { f: SOC2, a: asOf },
    );
    const apiRows = expected.missingEvidence.rows.edges.map((e) => e.node);
    expect(apiRows).toContainEqual({ controlId: CONTROL, vendorId: vendor.id, since: vendor.reportValidUntil });

    await openPage(
      s.page,
      `#/missing?framework=${SOC2}&reason=VENDOR_REPORT_EXPIRED&asOf=${after}`,
      '[data-testid="worklist"][data-loaded]',
    );
    const shown = await s.page.$$eval('[data-testid="worklist-table"] tbody tr', (trs) =>
      trs.map((tr) => ({
        controlId: tr.getAttribute("data-control"),
        assetId: tr.getAttribute("data-asset"),
        vendorId: tr.getAttribute("data-vendor"),
      })),
    );
    expect(shown.map((r) => `${r.controlId}|${r.vendorId}`).sort()).toEqual(
      apiRows.map((r) => `${r.controlId}|${r.vendorId}`).sort(),
    );
    expect(shown.every((r) => r.assetId === "")).toBe(true);
    const header = await s.page.$$eval('[data-testid="worklist-table"] thead th', (ths) =>
      ths.map((th) => th.textContent ?? ""),
    );
    const row = await s.page.$$eval(
      `[data-testid="worklist-table"] tbody tr[data-control="${CONTROL}"][data-vendor="${vendor.id}"] > *`,
      (cells) => cells.map((c) => c.textContent ?? ""),
    );
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell("Vendor")).toBe(vendor.id);
    expect(cell("Vendor name")).toBe(vendor.name);
    expect(cell("Asset name")).toBe("");
    expect(cell("Reason")).toBe(
      `Vendor report expired (carve-out): ${vendor.name}'s ${vendor.reportKind === "SOC2_TYPE2" ? "SOC 2 Type II report" : "report"} ran to ${day(vendor.reportValidUntil!)}`,
    );
    expect(cell("Since")).toBe(day(vendor.reportValidUntil!));

    const [download] = await Promise.all([s.page.waitForEvent("download"), s.page.click('[data-testid="export-csv"]')]);
    const csv = parseCsv(readFileSync((await download.path())!, "utf8"));
    expect(csv[0]).toEqual(header);
    expect(csv.slice(1).map((r) => r[header.indexOf("Vendor")])).toContain(vendor.id);
    expect(s.problems).toEqual([]);
  });
});
