import { describe, expect, it } from "vitest";
import {
  api,
  attrs,
  post,
  coverageTotals,
  daysAgo,
  frameworkIds,
  settled,
  visit,
  type Counts,
  type Session,
  useSession,
} from "./support";

interface CoverageRow {
  criterionId: string;
  status: "UNCOVERED" | "PARTIAL" | "COVERED";
}

async function coverage(framework: string, asOf: string | null = null) {
  const data = await api<{
    coverage: { totals: Counts; byCategory: (Counts & { category: string })[]; criteria: CoverageRow[] };
  }>(
    `query($f: ID!, $a: DateTime) { coverage(framework: $f, asOf: $a) {
      totals { total covered partial uncovered }
      byCategory { category total covered partial uncovered }
      criteria(assessableOnly: true) { criterionId status } } }`,
    { f: framework, a: asOf },
  );
  return data.coverage;
}

async function shownTotals(s: Session, framework: string, scope = "total"): Promise<Counts> {
  const section = `section[data-framework="${framework}"]`;
  const read = async (key: string) =>
    Number(await s.page.textContent(`${section} dd[data-count="${key}"][data-scope="${scope}"]`));
  return {
    total: await read("total"),
    covered: await read("covered"),
    partial: await read("partial"),
    uncovered: await read("uncovered"),
  };
}

describe("overview", () => {
  const s = useSession();

  it("shows every framework's totals and categories as the API counts them", async () => {
    const ids = await frameworkIds();
    expect(ids.length).toBeGreaterThan(0);
    await visit(s.page, "#/overview");
    await settled(s.page);
    expect((await attrs(s.page, "section[data-framework]", "data-framework")).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const report = await coverage(id);
      expect(await shownTotals(s, id)).toEqual(report.totals);
      const rows = await s.page.$$eval(`section[data-framework="${id}"] tr[data-category]`, (trs) =>
        trs.map((tr) => ({
          category: tr.getAttribute("data-category")!,
          covered: Number(tr.querySelector('[data-count="covered"]')!.textContent),
          partial: Number(tr.querySelector('[data-count="partial"]')!.textContent),
          uncovered: Number(tr.querySelector('[data-count="uncovered"]')!.textContent),
          total: Number(tr.querySelector('[data-count="total"]')!.textContent),
        })),
      );
      const byName = (a: { category: string }, b: { category: string }) => a.category.localeCompare(b.category);
      expect([...rows].sort(byName)).toEqual(
        [...report.byCategory]
          .map((c) => ({
            category: c.category,
            covered: c.covered,
            partial: c.partial,
            uncovered: c.uncovered,
            total: c.total,
          }))
          .sort(byName),
      );
      // The at-a-glance row agrees.
      const glance = await s.page.$$eval(`[data-testid="glance"] tr[data-framework="${id}"] [data-count]`, (tds) =>
        tds.map((td) => [td.getAttribute("data-count"), Number(td.textContent)]),
      );
      expect(Object.fromEntries(glance)).toEqual(report.totals);
    }
    expect(s.problems).toEqual([]);
  });

  it("lists SOC 2's five categories, and the worst criteria first", async () => {
    const soc2 = (await frameworkIds()).find((id) => id.startsWith("soc2"));
    expect(soc2).toBeDefined();
    const section = `section[data-framework="${soc2}"]`;
    expect(await attrs(s.page, `${section} tr[data-category]`, "data-category")).toEqual([
      "Security",
      "Availability",
      "Processing Integrity",
      "Confidentiality",
      "Privacy",
    ]);

    // The framework's tables are collapsed by default.
    expect(await s.page.isHidden(`${section} [data-testid="framework-details-body"]`)).toBe(true);
    await s.page.click(`${section} [data-testid="framework-details"]`);
    expect(await s.page.isVisible(`${section} [data-testid="categories"]`)).toBe(true);
    const showAll = s.page.locator(`${section} .attention button`);
    if (await showAll.count()) await showAll.click();
    const shown = await s.page.$$eval(`${section} [data-testid="worst-criteria"] li`, (lis) =>
      lis.map((li) => ({ id: li.getAttribute("data-criterion")!, status: li.getAttribute("data-status")! })),
    );
    const report = await coverage(soc2!);
    const expected = report.criteria.filter((c) => c.status !== "COVERED");
    expect(shown.map((r) => r.id).sort()).toEqual(expected.map((c) => c.criterionId).sort());
    const rank = { UNCOVERED: 0, PARTIAL: 1 } as Record<string, number>;
    for (let i = 1; i < shown.length; i++)
      expect(rank[shown[i - 1]!.status]!).toBeLessThanOrEqual(rank[shown[i]!.status]!);
    expect(shown.filter((r) => r.status === "UNCOVERED")).toHaveLength(
      expected.filter((c) => c.status === "UNCOVERED").length,
    );
  });

  it("re-asks coverage for the day picked", async () => {
    const ids = await frameworkIds();
    const day = daysAgo(45);
    await s.page.fill('input[name="asOf"]', day);
    await s.page.dispatchEvent('input[name="asOf"]', "change");
    await s.page.waitForFunction(() => location.hash.includes("asOf="));
    await settled(s.page);
    for (const id of ids) expect(await shownTotals(s, id)).toEqual(await coverageTotals(id, `${day}T23:59:59Z`));
    expect(s.page.url()).toContain(`asOf=${day}`);
    // A reload keeps the day.
    await s.page.reload();
    await settled(s.page);
    expect(await s.page.inputValue('input[name="asOf"]')).toBe(day);
    await s.page.getByRole("button", { name: "Today", exact: true }).click();
    await settled(s.page);
    for (const id of ids) expect(await shownTotals(s, id)).toEqual(await coverageTotals(id));
  });

  it("says what failed, with the API's message and code", async () => {
    const raw = await post({ query: '{ coverage(framework: "no-such-framework") { asOf } }' }).then(
      (r) => r.json() as Promise<{ errors: { message: string; extensions: { code: string } }[] }>,
    );
    const apiError = raw.errors[0]!;
    await visit(s.page, "#/criterion/no-such-framework:X1");
    await s.page.waitForSelector('[role="alert"]');
    const alert = await s.page.textContent('[role="alert"]');
    expect(alert).toContain("Could not load criterion no-such-framework:X1");
    expect(await s.page.textContent('[role="alert"] .error-message')).toBe(apiError.message);
    expect(await s.page.textContent('[role="alert"] .error-code')).toBe(apiError.extensions.code);
    expect(apiError.extensions.code).toBe("NOT_FOUND");
  });
});
