/**
 * The Type II page made legible (issue 16, item 5): it opens on the current engagement, its axis
 * names months with their years, its controls sit in collapsed domain groups whose counts are the
 * API's, and an opened domain shows each control's months as cells whose gaps are the API's
 * intervals per month. The last test writes an engagement (the page then opens on it).
 */
import { describe, expect, it } from "vitest";
import { api, attrs, screenshot, settled, openPage, useSession } from "./support";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

interface Interval {
  start: string;
  end: string;
  isGap: boolean;
}
interface EngagementGaps {
  id: string;
  periodStart: string;
  periodEnd: string;
  gaps: {
    totalGaps: number;
    start: string;
    end: string;
    controls: {
      totalCount: number;
      edges: { node: { controlId: string; gaps: number; intervals: Interval[]; control: { domain: string } } }[];
    };
  };
}

async function engagementGaps(id: string): Promise<EngagementGaps> {
  const data = await api<{ engagement: EngagementGaps }>(
    `query($id: ID!) { engagement(id: $id) { id periodStart periodEnd gaps { totalGaps start end
      controls(first: 500) { totalCount edges { node { controlId gaps intervals { start end isGap } control { domain } } } } } } }`,
    { id },
  );
  return data.engagement;
}

/** The Type II engagement whose period holds now, else the one that ended last (the rule, restated). */
async function currentEngagement(): Promise<string | null> {
  const data = await api<{
    engagements: { edges: { node: { id: string; kind: string; periodStart: string; periodEnd: string } }[] };
  }>("{ engagements(first: 100) { edges { node { id kind periodStart periodEnd } } } }");
  const now = Date.now();
  const t2 = data.engagements.edges.map((e) => e.node).filter((e) => e.kind === "TYPE2");
  const running = t2.filter((e) => Date.parse(e.periodStart) <= now && now < Date.parse(e.periodEnd));
  const pick = (list: typeof t2, key: (e: (typeof t2)[number]) => number) =>
    list.sort((a, b) => key(b) - key(a) || a.id.localeCompare(b.id))[0]?.id ?? null;
  if (running.length) return pick(running, (e) => Date.parse(e.periodStart));
  return pick(
    t2.filter((e) => Date.parse(e.periodEnd) <= now),
    (e) => Date.parse(e.periodEnd),
  );
}

/** "2025-11" keys of the calendar months [start, end) touches. */
function monthKeys(start: string, end: string): string[] {
  const keys: string[] = [];
  const s = new Date(start);
  for (let m = Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), 1); m < Date.parse(end);) {
    const d = new Date(m);
    keys.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`);
    m = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return keys;
}

/** Gap intervals overlapping each month (an interval spanning two months is a gap in both). */
function gapsByMonth(intervals: Interval[], keys: string[]): number[] {
  return keys.map((key) => {
    const [y, m] = key.split("-").map(Number) as [number, number];
    const from = Date.UTC(y, m - 1, 1);
    const to = Date.UTC(y, m, 1);
    return intervals.filter((i) => i.isGap && Date.parse(i.start) < to && Date.parse(i.end) > from).length;
  });
}

describe("Type II page, legible", () => {
  const s = useSession();

  it("opens on the current engagement, months named with their years, controls grouped by domain as the API counts", async () => {
    const current = await currentEngagement();
    expect(current).not.toBeNull();
    const expected = await engagementGaps(current!);
    await openPage(s.page, "#/period", '[data-testid="timelines"][data-loaded]');
    expect(await s.page.inputValue('select[name="engagement"]')).toBe(current);
    expect(await s.page.getAttribute('[data-testid="period-scope"] [data-engagement]', "data-engagement")).toBe(
      current,
    );

    // The axis: one column per month of the period, each named "Mon YYYY".
    const keys = monthKeys(expected.gaps.start, expected.gaps.end);
    expect(await attrs(s.page, '[data-testid="month-axis"] > span', "data-month")).toEqual(keys);
    const labels = await s.page.$$eval('[data-testid="month-axis"] > span', (els) =>
      els.map((e) => (e.textContent ?? "").trim()),
    );
    expect(labels).toEqual(keys.map((k) => `${MONTHS[Number(k.slice(5)) - 1]} ${k.slice(0, 4)}`));
    // Months wide enough for a label show it (the narrow first or last month of a period is named on hover).
    const visible = await s.page.$$eval(
      '[data-testid="month-axis"] > span',
      (els) => els.filter((e) => getComputedStyle(e).visibility !== "hidden").length,
    );
    expect(visible).toBeGreaterThanOrEqual(11);

    // Domains: collapsed, each with the API's controls and gaps summed.
    const want = new Map<string, { controls: number; gaps: number; withGaps: number }>();
    for (const { node } of expected.gaps.controls.edges) {
      const d = want.get(node.control.domain) ?? { controls: 0, gaps: 0, withGaps: 0 };
      want.set(node.control.domain, {
        controls: d.controls + 1,
        gaps: d.gaps + node.gaps,
        withGaps: d.withGaps + (node.gaps > 0 ? 1 : 0),
      });
    }
    const groups = await s.page.$$eval("details.domain-group", (els) =>
      els.map((el) => ({
        domain: el.getAttribute("data-domain")!,
        controls: Number(el.getAttribute("data-controls")),
        gaps: Number(el.getAttribute("data-gaps")),
        withGaps: Number(el.getAttribute("data-with-gaps")),
        summary: el.querySelector("summary")!.textContent ?? "",
        open: (el as HTMLDetailsElement).open,
      })),
    );
    expect(
      Object.fromEntries(groups.map((g) => [g.domain, { controls: g.controls, gaps: g.gaps, withGaps: g.withGaps }])),
    ).toEqual(Object.fromEntries(want));
    for (const g of groups) {
      expect(g.open).toBe(false);
      expect(g.summary).toContain(`${g.controls} control${g.controls === 1 ? "" : "s"}`);
      expect(g.summary).toContain(`${g.gaps} gap${g.gaps === 1 ? "" : "s"}`);
    }
    // Most gaps first.
    expect(groups.map((g) => g.gaps)).toEqual([...groups.map((g) => g.gaps)].sort((a, b) => b - a));
    // Collapsed, the page stays short.
    const height = await s.page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThanOrEqual(3 * 900);
    await screenshot(s.page, "type2-domains");
    expect(s.problems).toEqual([]);
  });

  it("opens a domain from the keyboard: each control's months carry the API's gaps, one cell per month", async () => {
    const current = (await currentEngagement())!;
    const expected = await engagementGaps(current);
    const withGaps = await s.page.$$eval("details.domain-group", (els) =>
      els.filter((el) => Number(el.getAttribute("data-gaps")) > 0).map((el) => el.getAttribute("data-domain")!),
    );
    // The demo has gaps (its outages); else the first domain.
    const domain = withGaps[0] ?? (await s.page.getAttribute("details.domain-group", "data-domain"))!;
    const group = s.page.locator(`details.domain-group[data-domain="${domain}"]`);
    await group.locator("> summary").focus();
    await s.page.keyboard.press("Enter");
    await s.page.waitForSelector(`details.domain-group[data-domain="${domain}"][data-loaded]`);
    await settled(s.page);
    await screenshot(s.page, "type2-domain-open");

    const keys = monthKeys(expected.gaps.start, expected.gaps.end);
    const inDomain = expected.gaps.controls.edges.map((e) => e.node).filter((n) => n.control.domain === domain);
    const rows = `details.domain-group[data-domain="${domain}"] .timeline-row[data-control]`;
    expect(await attrs(s.page, rows, "data-control")).toEqual(inDomain.map((n) => n.controlId));
    for (const node of inDomain) {
      const row = `${rows.replace("[data-control]", "")}[data-control="${node.controlId}"]`;
      expect(await attrs(s.page, `${row} .month-cell`, "data-month")).toEqual(keys);
      expect((await attrs(s.page, `${row} .month-cell`, "data-gaps")).map(Number)).toEqual(
        gapsByMonth(node.intervals, keys),
      );
      // The count is printed in the cell; the whole row is named for a screen reader.
      const printed = await s.page.$$eval(`${row} .month-cell`, (els) => els.map((e) => e.textContent ?? ""));
      expect(printed).toEqual(gapsByMonth(node.intervals, keys).map((n) => (n ? String(n) : "")));
      expect(await s.page.getAttribute(`${row} .months`, "aria-label")).toContain(
        `${node.gaps} of ${node.intervals.length}`,
      );
    }
    expect(s.problems).toEqual([]);
  });

  it("a Type II engagement running now becomes the page's default", async () => {
    const now = Date.now();
    const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
    const id = "e2e-current-type2";
    await api(`mutation($e: [EngagementInput!]!) { upsertEngagements(engagements: $e) { id } }`, {
      e: [
        {
          id,
          name: "E2E current Type II",
          framework: "soc2-tsc-2017",
          kind: "TYPE2",
          periodStart: iso(now - 90 * 86_400_000),
          periodEnd: iso(now + 275 * 86_400_000),
        },
      ],
    });
    expect(await currentEngagement()).toBe(id);
    await openPage(s.page, "#/period", '[data-testid="timelines"][data-loaded]');
    expect(await s.page.inputValue('select[name="engagement"]')).toBe(id);
    const expected = await engagementGaps(id);
    expect(Number(await s.page.textContent('[data-testid="total-gaps"]'))).toBe(expected.gaps.totalGaps);
    // Its axis runs to the end of the period the API answers for.
    expect((await attrs(s.page, '[data-testid="month-axis"] > span', "data-month")).at(-1)).toBe(
      monthKeys(expected.gaps.start, expected.gaps.end).at(-1),
    );
    expect(s.problems).toEqual([]);
  });
});
