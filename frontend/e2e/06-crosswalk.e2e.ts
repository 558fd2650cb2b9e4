import { describe, expect, it } from "vitest";
import { api, frameworkIds, settled, visit, openPage, useSession } from "./support";

async function crosswalk(source: string, target: string) {
  const data = await api<{
    crosswalk: {
      rows: {
        totalCount: number;
        edges: { node: { sourceId: string; targetId: string; relationship: string; strength: number } }[];
      };
    };
  }>(
    `query($s: ID!, $t: ID!) { crosswalk(source: $s, target: $t) { rows(first: 500) { totalCount edges { node { sourceId targetId relationship strength } } } } }`,
    { s: source, t: target },
  );
  return data.crosswalk.rows;
}

describe("crosswalk matrix", () => {
  const s = useSession();

  it("draws every mapping between the two frameworks, with its relationship and strength", async () => {
    const ids = await frameworkIds();
    await openPage(s.page, "#/crosswalk", '[data-testid="crosswalk"][data-loaded]');
    if (ids.length < 2) {
      expect(await s.page.textContent('[data-testid="crosswalk"]')).toContain("needs two frameworks");
      return;
    }
    const source = await s.page.inputValue('select[name="source"]');
    const target = await s.page.inputValue('select[name="target"]');
    expect(source).toBe("soc2-tsc-2017");
    // With no target asked for, the page picks the framework with the most mappings.
    const counts = await Promise.all(
      ids.filter((id) => id !== source).map(async (id) => [id, (await crosswalk(source, id)).totalCount] as const),
    );
    const best = Math.max(...counts.map(([, n]) => n));
    expect(counts.find(([id]) => id === target)![1]).toBe(best);

    const rows = await crosswalk(source, target);
    expect(Number(await s.page.textContent('[data-testid="mapping-count"]'))).toBe(rows.totalCount);
    const cells = await s.page.$$eval('[data-testid="crosswalk-matrix"] td[data-source]', (tds) =>
      tds.map(
        (td) =>
          `${td.getAttribute("data-source")}|${td.getAttribute("data-target")}|${td.getAttribute("data-relationship")}|${td.getAttribute("data-strength")}`,
      ),
    );
    const pairs = new Map<string, { relationship: string; strength: number }>();
    for (const { node } of rows.edges) {
      const k = `${node.sourceId}|${node.targetId}`;
      if (!pairs.has(k) || pairs.get(k)!.strength < node.strength) pairs.set(k, node);
    }
    expect(cells.sort()).toEqual([...pairs.entries()].map(([k, v]) => `${k}|${v.relationship}|${v.strength}`).sort());
    expect(await s.page.locator('[data-testid="crosswalk-list"] tbody tr').count()).toBe(rows.edges.length);
    expect(s.problems).toEqual([]);
  });

  it("opens the target criterion from a cell", async () => {
    const cell = s.page.locator('[data-testid="crosswalk-matrix"] td[data-target] a').first();
    if (!(await cell.count())) return;
    const target = await s.page
      .locator('[data-testid="crosswalk-matrix"] td[data-target]')
      .first()
      .getAttribute("data-target");
    await cell.click();
    await s.page.waitForSelector(".criterion-body[data-loaded]");
    expect(decodeURIComponent(s.page.url())).toContain(`#/criterion/${target}`);
  });

  it("swaps the frameworks", async () => {
    const ids = await frameworkIds();
    if (ids.length < 2) return;
    await visit(s.page, "#/crosswalk?source=soc2-tsc-2017");
    await s.page.waitForSelector('[data-testid="crosswalk"][data-loaded]');
    const before = [await s.page.inputValue('select[name="source"]'), await s.page.inputValue('select[name="target"]')];
    await s.page.getByRole("button", { name: "Swap" }).click();
    await s.page.waitForFunction((want) => location.hash.includes(`source=${want}`), before[1]);
    await settled(s.page);
    expect(Number(await s.page.textContent('[data-testid="mapping-count"]'))).toBe(
      (await crosswalk(before[1]!, before[0]!)).totalCount,
    );
  });
});
