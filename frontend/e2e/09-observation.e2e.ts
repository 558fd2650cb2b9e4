/**
 * Evidence observation periods on the demo: the monitoring exports' observed spans on the criterion
 * page, and a Type II page with a handful of true gaps (the two outages among them), each operated
 * interval saying whether an observation period or a collected item operated it.
 */
import { describe, expect, it } from "vitest";
import { openAllDomains } from "./period-groups";
import { api, attrs, openPage, useSession } from "./support";

const SOC2 = "soc2-tsc-2017";
/** AGC-INF-03 (continuous log shipping) and AGC-IAM-04 (daily reconciliation) carry the demo's outages. */
const OUTAGES: Record<string, number> = { "AGC-INF-03": 2, "AGC-IAM-04": 1 };
/** Before observation periods the demo's Type II page showed 9,123 gap intervals; now a handful. */
const HANDFUL = 60;

interface Item {
  id: string;
  collectedAt: string;
  periodStart: string | null;
  periodEnd: string | null;
  status: string;
}

interface Gaps {
  totalGaps: number;
  controls: {
    totalCount: number;
    edges: {
      node: {
        controlId: string;
        gaps: number;
        intervals: { start: string; end: string; isGap: boolean }[];
        control: { evidence: { edges: { node: Item }[] } };
      };
    }[];
  };
}

async function gaps(start: string, end: string): Promise<Gaps> {
  const data = await api<{ evidenceGaps: Gaps }>(
    `query($f: ID, $s: DateTime!, $e: DateTime!) { evidenceGaps(framework: $f, start: $s, end: $e) { totalGaps
      controls(first: 20, withGapsOnly: true) { totalCount edges { node { controlId gaps intervals { start end isGap }
        control { evidence(first: 100) { edges { node { id collectedAt periodStart periodEnd status } } } } } } } } }`,
    { f: SOC2, s: start, e: end },
  );
  return data.evidenceGaps;
}

const endExclusive = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

/** The accepted items whose observed span overlaps an operated interval: the ones the page must name. */
function observers(node: Gaps["controls"]["edges"][number]["node"]): string[] {
  const ids = new Set<string>();
  for (const iv of node.intervals.filter((i) => !i.isGap))
    for (const { node: ev } of node.control.evidence.edges)
      if (
        ev.status === "ACCEPTED" &&
        ev.periodStart &&
        ev.periodEnd &&
        Date.parse(ev.periodStart) < Date.parse(iv.end) &&
        Date.parse(ev.periodEnd) > Date.parse(iv.start)
      )
        ids.add(ev.id);
  return [...ids].sort();
}

describe("evidence observation periods", () => {
  const s = useSession();

  it("the criterion page shows each monitoring export's observed span", async () => {
    const data = await api<{ control: { criteria: { id: string }[]; evidence: { edges: { node: Item }[] } } }>(
      `{ control(id: "AGC-INF-03") { criteria { id } evidence(first: 100) { edges { node { id collectedAt periodStart periodEnd status } } } } }`,
    );
    const criterion = data.control.criteria.map((c) => c.id).find((id) => id.startsWith(SOC2))!;
    const items = data.control.evidence.edges.map((e) => e.node);
    expect(items.some((i) => i.periodStart)).toBe(true);

    await openPage(s.page, `#/criterion/${encodeURIComponent(criterion)}`, ".criterion-body[data-loaded]");
    for (const item of items) {
      const row = `article[data-control="AGC-INF-03"] tr[data-evidence="${item.id}"]`;
      if (item.periodStart) {
        expect(Date.parse((await s.page.getAttribute(`${row} [data-observed-start]`, "data-observed-start"))!)).toBe(
          Date.parse(item.periodStart),
        );
        expect(Date.parse((await s.page.getAttribute(`${row} [data-observed-end]`, "data-observed-end"))!)).toBe(
          Date.parse(item.periodEnd!),
        );
        expect(await s.page.textContent(`${row} [data-observed-start]`)).toContain(
          `${item.periodStart.slice(0, 10)} → ${item.periodEnd!.slice(0, 10)}`,
        );
      } else {
        expect(await s.page.locator(`${row} [data-observed-start]`).count()).toBe(0);
      }
    }
    expect(s.problems).toEqual([]);
  });

  it("the Type II page shows a handful of gaps, the outages among them, and what operated the rest", async () => {
    await openPage(s.page, `#/period?framework=${SOC2}&gapsOnly=1`, '[data-testid="timelines"][data-loaded]');
    const start = await s.page.inputValue('input[name="start"]');
    const end = await s.page.inputValue('input[name="end"]');
    const expected = await gaps(`${start}T00:00:00Z`, endExclusive(end));

    const total = Number(await s.page.textContent('[data-testid="total-gaps"]'));
    expect(total).toBe(expected.totalGaps);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(HANDFUL);
    expect(Number(await s.page.textContent('[data-testid="control-count"]'))).toBe(expected.controls.totalCount);
    await openAllDomains(s.page);

    for (const [control, count] of Object.entries(OUTAGES)) {
      const node = expected.controls.edges.find((e) => e.node.controlId === control)!.node;
      expect(node.gaps).toBe(count);
      const row = `.timeline-row[data-control="${control}"]`;
      expect(Number(await s.page.getAttribute(row, "data-gaps"))).toBe(count);
      // Observed before and after the outage, by exactly the exports whose spans reach the operated intervals.
      const named = (await attrs(s.page, `${row} .operations li[data-kind="observed"]`, "data-observed-by"))
        .flatMap((ids) => ids.split(" "))
        .sort();
      expect([...new Set(named)]).toEqual(observers(node));
      const words = await s.page.$$eval(`${row} .operations li`, (lis) => lis.map((li) => li.textContent ?? ""));
      expect(words.some((w) => /: observed by EV-/.test(w))).toBe(true);
      // Each run names its first observer with the span that export observed.
      const runs = await s.page.$$eval(`${row} .operations li[data-kind="observed"]`, (lis) =>
        lis.map((li) => ({ ids: li.getAttribute("data-observed-by")!.split(" "), text: li.textContent ?? "" })),
      );
      for (const run of runs) {
        const ev = node.control.evidence.edges.find((e) => e.node.id === run.ids[0])!.node;
        expect(run.text).toContain(`${ev.id} (${ev.periodStart!.slice(0, 10)} → ${ev.periodEnd!.slice(0, 10)})`);
      }
      expect(words.filter((w) => w.includes("gap:"))).toHaveLength(
        await s.page.locator(`${row} .operations li[data-kind="gap"]`).count(),
      );
      // Its months: the cells with gaps add up to at least its gap intervals (one may span two months).
      const cellGaps = (await attrs(s.page, `${row} .month-cell`, "data-gaps")).map(Number);
      expect(cellGaps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(count);
    }
    // A control evidenced by items collected in its intervals says when.
    const collected = await s.page.$$eval('.operations li[data-kind="collected"]', (lis) =>
      lis.map((li) => li.textContent ?? ""),
    );
    for (const w of collected) expect(w).toMatch(/: collected \d{4}-\d{2}-\d{2}/);
    expect(s.problems).toEqual([]);
  });

  it("the README's audit period answers the API's gap count on the page", async () => {
    await openPage(
      s.page,
      `#/period?framework=${SOC2}&start=2026-01-01&end=2026-10-31&gapsOnly=1`,
      '[data-testid="timelines"][data-loaded]',
    );
    const expected = await gaps("2026-01-01T00:00:00Z", "2026-11-01T00:00:00Z");
    expect(Number(await s.page.textContent('[data-testid="total-gaps"]'))).toBe(expected.totalGaps);
    expect(expected.totalGaps).toBeLessThan(HANDFUL);
    await openAllDomains(s.page);
    expect((await attrs(s.page, ".timeline-row[data-control]", "data-control")).sort()).toEqual(
      expected.controls.edges.map((e) => e.node.controlId).sort(),
    );
  });
});
