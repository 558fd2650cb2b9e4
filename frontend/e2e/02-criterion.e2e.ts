import { describe, expect, it } from "vitest";
import { api, attrs, visit, openPage, useSession } from "./support";

const DAYS: Record<string, number> = {
  CONTINUOUS: 1,
  DAILY: 1,
  WEEKLY: 7,
  MONTHLY: 31,
  QUARTERLY: 92,
  SEMIANNUAL: 183,
  ANNUAL: 366,
};

interface Row {
  criterionId: string;
  status: string;
  derived: boolean;
  reason: string;
  controls: { controlId: string; reason: string }[];
  via: { criterionId: string }[];
}

async function soc2Rows(): Promise<Row[]> {
  const data = await api<{ coverage: { criteria: Row[] } }>(
    `{ coverage(framework: "soc2-tsc-2017") { criteria { criterionId status derived reason controls { controlId reason } via { criterionId } } } }`,
  );
  return data.coverage.criteria;
}

interface Criterion {
  controls: {
    id: string;
    frequency: string;
    evidence: { totalCount: number; edges: { node: { id: string; collectedAt: string; validUntil: string | null } }[] };
  }[];
  mappings: { otherId: string }[];
}

async function criterion(id: string): Promise<Criterion> {
  const data = await api<{ criterion: Criterion }>(
    `query($id: ID!) { criterion(id: $id) { controls { id frequency evidence(first: 200) { totalCount edges { node { id collectedAt validUntil } } } } mappings { otherId } } }`,
    { id },
  );
  return data.criterion;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

describe("criterion drill-down", () => {
  const s = useSession();

  it("shows a not-covered criterion's controls, reasons, evidence windows and mappings", async () => {
    const rows = await soc2Rows();
    const row =
      rows.find((r) => r.status !== "COVERED" && !r.derived && r.controls.length > 0) ??
      rows.find((r) => r.controls.length > 0)!;
    const detail = await criterion(row.criterionId);

    await openPage(s.page, `#/criterion/${encodeURIComponent(row.criterionId)}`, ".criterion-body[data-loaded]");
    expect(await s.page.textContent('[data-testid="reason"]')).toBe(row.reason);
    expect(await attrs(s.page, "article[data-control]", "data-control")).toEqual(
      expect.arrayContaining(detail.controls.map((c) => c.id)),
    );
    expect(await s.page.locator("article[data-control]").count()).toBe(detail.controls.length);

    for (const finding of row.controls) {
      expect(
        await s.page.textContent(`article[data-control="${finding.controlId}"] [data-testid="control-reason"]`),
      ).toBe(finding.reason);
    }
    for (const control of detail.controls) {
      const shown = await attrs(s.page, `article[data-control="${control.id}"] tr[data-evidence]`, "data-evidence");
      expect(shown.sort()).toEqual(control.evidence.edges.map((e) => e.node.id).sort());
      for (const { node } of control.evidence.edges) {
        const end = node.validUntil ?? iso(Date.parse(node.collectedAt) + DAYS[control.frequency]! * 86_400_000);
        const cell = await s.page.getAttribute(
          `article[data-control="${control.id}"] tr[data-evidence="${node.id}"] [data-window-end]`,
          "data-window-end",
        );
        expect(Date.parse(cell!)).toBe(Date.parse(end));
      }
    }
    expect((await attrs(s.page, "tr[data-mapping]", "data-mapping")).sort()).toEqual(
      detail.mappings.map((m) => m.otherId).sort(),
    );
    expect(s.problems).toEqual([]);
  });

  it("explains a status derived through the crosswalk, and links to the mapped requirements", async () => {
    const frameworks = await api<{ frameworks: { edges: { node: { id: string } }[] } }>(
      "{ frameworks(first: 100) { edges { node { id } } } }",
    );
    let derived: Row | undefined;
    for (const { node } of frameworks.frameworks.edges) {
      const data = await api<{ coverage: { criteria: Row[] } }>(
        `query($f: ID!) { coverage(framework: $f) { criteria { criterionId status derived reason controls { controlId reason } via { criterionId } } } }`,
        { f: node.id },
      );
      derived = data.coverage.criteria.find((c) => c.derived && c.via.length > 0);
      if (derived) break;
    }
    if (!derived) return; // the catalog has no derived criterion (yet): nothing to check
    await visit(s.page, `#/criterion/${encodeURIComponent(derived.criterionId)}`);
    await s.page.waitForSelector(".criterion-body[data-loaded]");
    expect(await s.page.textContent('[data-testid="reason"]')).toBe(derived.reason);
    expect(await s.page.textContent('[data-testid="why"]')).toContain("Derived through the crosswalk");
    expect((await attrs(s.page, "tr[data-via]", "data-via")).sort()).toEqual(
      derived.via.map((v) => v.criterionId).sort(),
    );
    // Follow the first mapping to the other framework's page.
    const link = s.page.locator("tr[data-mapping] a").first();
    const target = await s.page.getAttribute("tr[data-mapping]", "data-mapping");
    await link.click();
    await s.page.waitForFunction((id) => decodeURIComponent(location.hash).includes(id!), target);
    await s.page.waitForSelector(".criterion-body[data-loaded]");
    expect(await s.page.textContent("h1")).toContain(target!.slice(target!.indexOf(":") + 1));
  });
});
