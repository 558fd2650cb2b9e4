import { describe, expect, it } from "vitest";
import { openAllDomains } from "./period-groups";
import { api, settled, openPage, useSession } from "./support";

interface Gaps {
  totalGaps: number;
  controls: {
    totalCount: number;
    edges: {
      node: { controlId: string; gaps: number; intervals: { isGap: boolean }[]; control: { domain: string } };
    }[];
  };
}

async function gaps(framework: string, start: string, end: string, withGapsOnly = false): Promise<Gaps> {
  const data = await api<{ evidenceGaps: Gaps }>(
    `query($f: ID, $s: DateTime!, $e: DateTime!, $g: Boolean!) { evidenceGaps(framework: $f, start: $s, end: $e) { totalGaps
      controls(first: 500, withGapsOnly: $g) { totalCount edges { node { controlId gaps intervals { isGap } control { domain } } } } } }`,
    { f: framework, s: start, e: end, g: withGapsOnly },
  );
  return data.evidenceGaps;
}

describe("Type II period view", () => {
  const s = useSession();

  it("a custom period defaults to the last 12 months and shows each control's gaps as the API counts them", async () => {
    // The page itself opens on an engagement (10-engagement); "custom" is the period picked by hand.
    await openPage(s.page, "#/period?engagement=custom", '[data-testid="timelines"][data-loaded]');
    const framework = await s.page.inputValue('select[name="framework"]');
    expect(framework).toBe("soc2-tsc-2017");
    const start = await s.page.inputValue('input[name="start"]');
    const end = await s.page.inputValue('input[name="end"]');
    // Twelve months ending with yesterday: today's interval is still open.
    const today = new Date();
    const yesterday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1));
    expect(end).toBe(yesterday.toISOString().slice(0, 10));
    const [y, m, d] = [today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate()];
    const yearAgo = new Date(Date.UTC(y, m, Math.min(d, new Date(Date.UTC(y, m + 1, 0)).getUTCDate())));
    expect(start).toBe(yearAgo.toISOString().slice(0, 10));

    const endExclusive = new Date(Date.parse(`${end}T00:00:00Z`) + 86_400_000).toISOString();
    const expected = await gaps(framework, `${start}T00:00:00Z`, endExclusive);
    expect(Number(await s.page.textContent('[data-testid="total-gaps"]'))).toBe(expected.totalGaps);
    expect(Number(await s.page.textContent('[data-testid="control-count"]'))).toBe(expected.controls.totalCount);
    // Grouped by domain: each group's controls and gap count are the API's, summed.
    const domains = await s.page.$$eval("details.domain-group", (els) =>
      els.map((el) => ({
        domain: el.getAttribute("data-domain")!,
        controls: Number(el.getAttribute("data-controls")),
        gaps: Number(el.getAttribute("data-gaps")),
        open: (el as HTMLDetailsElement).open,
      })),
    );
    const byDomain = new Map<string, { controls: number; gaps: number }>();
    for (const { node } of expected.controls.edges) {
      const d = byDomain.get(node.control.domain) ?? { controls: 0, gaps: 0 };
      byDomain.set(node.control.domain, { controls: d.controls + 1, gaps: d.gaps + node.gaps });
    }
    expect(Object.fromEntries(domains.map((d) => [d.domain, { controls: d.controls, gaps: d.gaps }]))).toEqual(
      Object.fromEntries(byDomain),
    );
    expect(domains.every((d) => !d.open)).toBe(true); // collapsed until asked
    expect(await s.page.locator(".timeline-row[data-control]").count()).toBe(0);

    await openAllDomains(s.page);
    const rows = await s.page.$$eval(".timeline-row[data-control]", (els) =>
      els.map((el) => ({
        controlId: el.getAttribute("data-control")!,
        gaps: Number(el.getAttribute("data-gaps")),
        intervals: Number(el.getAttribute("data-intervals")),
        gapCells: el.querySelectorAll('.month-cell:not([data-gaps="0"])').length,
        cells: el.querySelectorAll(".month-cell").length,
      })),
    );
    expect(rows.map((r) => r.controlId).sort()).toEqual(expected.controls.edges.map((e) => e.node.controlId).sort());
    for (const e of expected.controls.edges) {
      const row = rows.find((r) => r.controlId === e.node.controlId)!;
      expect(row.gaps).toBe(e.node.gaps);
      expect(row.intervals).toBe(e.node.intervals.length);
      // A month shows a gap exactly when the control has one; a year is 12 or 13 months, never 365 bars.
      expect(row.gapCells > 0).toBe(e.node.gaps > 0);
      expect(row.cells).toBeGreaterThanOrEqual(12);
      expect(row.cells).toBeLessThanOrEqual(13);
    }

    await s.page.check('input[name="gapsOnly"]');
    await s.page.waitForFunction(() => location.hash.includes("gapsOnly=1"));
    await s.page.waitForSelector('[data-testid="timelines"][data-loaded]');
    await settled(s.page);
    const onlyGaps = await gaps(framework, `${start}T00:00:00Z`, endExclusive, true);
    expect(Number(await s.page.textContent('[data-testid="control-count"]'))).toBe(onlyGaps.controls.totalCount);
    expect(
      await s.page.$$eval("details.domain-group", (els) => els.every((el) => Number(el.getAttribute("data-gaps")) > 0)),
    ).toBe(true);
    expect(s.problems).toEqual([]);
  });

  it("refuses a period that ends before it starts", async () => {
    await s.page.uncheck('input[name="gapsOnly"]');
    await settled(s.page);
    await s.page.fill('input[name="start"]', "2026-06-01");
    await s.page.fill('input[name="end"]', "2026-05-01");
    await s.page.getByRole("button", { name: "Show period" }).click();
    expect(await s.page.textContent('[data-testid="timelines"]')).toContain("start is on or before its end");
  });
});
