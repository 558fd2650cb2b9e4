import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../src/shape/csv";
import { api, settled, type Session, openPage, useSession } from "./support";

interface Row {
  controlId: string;
  assetId: string | null;
  vendorId: string | null;
  reason: string;
  since: string | null;
  control: { owner: string } | null;
}

async function missing(framework: string | null, reason: string | null = null) {
  const data = await api<{
    missingEvidence: { totalCount: number; rows: { totalCount: number; edges: { node: Row }[] } };
  }>(
    `query($f: ID, $r: EvidenceState) { missingEvidence(framework: $f) { totalCount
      rows(first: 500, reason: $r) { totalCount edges { node { controlId assetId vendorId reason since control { owner } } } } } }`,
    { f: framework, r: reason },
  );
  return data.missingEvidence;
}

async function tableRows(s: Session): Promise<string[][]> {
  return s.page.$$eval('[data-testid="worklist-table"] tbody tr', (trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent ?? "")),
  );
}

const key = (r: { controlId: string; assetId: string | null; vendorId: string | null }) =>
  `${r.controlId}|${r.assetId ?? ""}|${r.vendorId ?? ""}`;

describe("missing-evidence worklist", () => {
  const s = useSession();

  it("lists every row the API reports, most overdue first", async () => {
    const all = await missing(null);
    await openPage(s.page, "#/missing", '[data-testid="worklist"][data-loaded]');
    expect(Number(await s.page.textContent('[data-testid="total-count"]'))).toBe(all.totalCount);
    const shown = await s.page.$$eval('[data-testid="worklist-table"] tbody tr', (trs) =>
      trs.map(
        (tr) => `${tr.getAttribute("data-control")}|${tr.getAttribute("data-asset")}|${tr.getAttribute("data-vendor")}`,
      ),
    );
    expect([...shown].sort()).toEqual(all.rows.edges.map((e) => key(e.node)).sort());
    // never collected first (the most overdue of all), then since ascending, other rows without one last
    const node = (k: string) => all.rows.edges.find((e) => key(e.node) === k)!.node;
    const never = shown.map((k) => node(k).reason === "NEVER_COLLECTED");
    expect(never).toEqual([...never].sort((a, b) => Number(b) - Number(a)));
    const times = shown.filter((k) => node(k).reason !== "NEVER_COLLECTED").map((k) => node(k).since);
    const firstNull = times.indexOf(null);
    if (firstNull !== -1) expect(times.slice(firstNull).every((t) => t === null)).toBe(true);
    const dated = times.filter((t): t is string => t !== null).map(Date.parse);
    expect(dated).toEqual([...dated].sort((a, b) => a - b));
    expect(s.problems).toEqual([]);
  });

  it("filters by framework, reason and owner as the API does", async () => {
    const soc2 = "soc2-tsc-2017";
    await s.page.selectOption('select[name="framework"]', soc2);
    await s.page.waitForSelector('[data-testid="worklist"][data-loaded]');
    await settled(s.page);
    const forSoc2 = await missing(soc2);
    expect(Number(await s.page.textContent('[data-testid="shown-count"]'))).toBe(forSoc2.totalCount);

    const reason = forSoc2.rows.edges[0]?.node.reason;
    if (reason) {
      await s.page.selectOption('select[name="reason"]', reason);
      await settled(s.page);
      await s.page.waitForFunction(
        (r) =>
          [...document.querySelectorAll('[data-testid="worklist-table"] tbody tr')].every(
            (tr) => tr.getAttribute("data-reason") === r,
          ),
        reason,
      );
      const byReason = await missing(soc2, reason);
      expect(await s.page.locator('[data-testid="worklist-table"] tbody tr').count()).toBe(byReason.rows.totalCount);
      await s.page.selectOption('select[name="reason"]', "");
      await settled(s.page);
    }

    const owners = await s.page.$$eval('select[name="owner"] option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value).filter(Boolean),
    );
    const expectedOwners = new Set(forSoc2.rows.edges.map((e) => e.node.control?.owner?.trim() || "no owner set"));
    expect(new Set(owners)).toEqual(expectedOwners);
    const owner = owners[0]!;
    await s.page.selectOption('select[name="owner"]', owner);
    const want = forSoc2.rows.edges.filter((e) => (e.node.control?.owner?.trim() || "no owner set") === owner).length;
    expect(await s.page.locator('[data-testid="worklist-table"] tbody tr').count()).toBe(want);
    expect(new URLSearchParams(new URL(s.page.url()).hash.split("?")[1]).get("owner")).toBe(owner);
  });

  it("exports exactly the rows shown as CSV", async () => {
    await s.page.selectOption('select[name="sort"]', "reason");
    const shown = await tableRows(s);
    const header = await s.page.$$eval('[data-testid="worklist-table"] thead th', (ths) =>
      ths.map((th) => th.textContent ?? ""),
    );
    const [download] = await Promise.all([s.page.waitForEvent("download"), s.page.click('[data-testid="export-csv"]')]);
    expect(download.suggestedFilename()).toMatch(/^missing-evidence-soc2-tsc-2017-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path())!, "utf8");
    expect(text.endsWith("\r\n")).toBe(true);
    expect(parseCsv(text)).toEqual([header, ...shown]);
    expect(shown.length).toBeGreaterThan(0);
  });
});
