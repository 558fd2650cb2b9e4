import { describe, expect, it } from "vitest";
import { DASHBOARD_PAGES } from "./dashboard-pages";
import { api, openPage, useSession } from "./support";

interface Finding {
  id: string;
  severity: string;
  plugin: string;
  name: string;
  cves: string[];
  firstSeen: string;
  lastSeen: string;
  status: string;
}

const page = (name: string) => DASHBOARD_PAGES.find((p) => p.name === name)!;

/** The demo's scanner findings (imported from the demo scans of the GPU hosts). */
describe("findings", () => {
  const s = useSession();

  it("the asset page lists the asset's findings as the API gives them", async () => {
    const data = await api<{ asset: { findings: { totalCount: number; edges: { node: Finding }[] } } }>(
      `{ asset(id: "inf-training-cluster") { findings(first: 100) { totalCount
          edges { node { id severity plugin name cves firstSeen lastSeen status } } } } }`,
    );
    const expected = data.asset.findings.edges.map((e) => e.node);
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.some((f) => f.status === "FIXED")).toBe(true);
    const { hash, ready } = page("asset findings");
    await openPage(s.page, hash, ready);
    const rows = await s.page.$$eval('[data-testid="asset-findings"] tbody tr', (trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute("data-finding"),
        severity: tr.getAttribute("data-severity"),
        status: tr.getAttribute("data-status"),
        cells: [...(tr as HTMLTableRowElement).cells].map((c) => c.textContent ?? ""),
        times: [...tr.querySelectorAll("time")].map((t) => t.getAttribute("datetime")),
      })),
    );
    expect(rows.map((r) => r.id)).toEqual(expected.map((f) => f.id));
    for (const [row, finding] of rows.map((r, i) => [r, expected[i]!] as const)) {
      expect([row.severity, row.status]).toEqual([finding.severity, finding.status]);
      const [severity, plugin, name, cves, , , status] = row.cells;
      expect(severity).toBe(finding.severity.toLowerCase());
      expect(plugin).toBe(finding.plugin);
      expect(name).toContain(finding.name);
      for (const cve of finding.cves) expect(cves).toContain(cve);
      expect(row.times.slice(0, 2)).toEqual([finding.firstSeen, finding.lastSeen]);
      expect(status).toContain(finding.status.toLowerCase());
    }
    expect(await s.page.textContent('[data-testid="finding-count"]')).toContain(`${expected.length} findings`);
    expect(s.problems).toEqual([]);
  });

  it("the blast radius counts the open findings it reaches, by severity", async () => {
    const data = await api<{ blastRadius: { findingCounts: { severity: string; count: number }[] } }>(
      '{ blastRadius(asset: "inf-gpu-cluster") { findingCounts { severity count } } }',
    );
    const open = data.blastRadius.findingCounts.filter((c) => c.count > 0);
    expect(open.length).toBeGreaterThan(0);
    const { hash, ready } = page("blast radius");
    await openPage(s.page, hash, ready);
    const shown = await s.page.$$eval('[data-testid="blast-findings"] [data-severity]', (els) =>
      els.map((el) => ({ severity: el.getAttribute("data-severity"), text: el.textContent?.trim() })),
    );
    expect(shown).toEqual(open.map((c) => ({ severity: c.severity, text: `${c.count} ${c.severity.toLowerCase()}` })));
    const total = open.reduce((sum, c) => sum + c.count, 0);
    expect(await s.page.getAttribute('[data-testid="blast-findings"]', "data-open")).toBe(String(total));
    expect(s.problems).toEqual([]);
  });
});
