import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { api, launch, open, settled, visit, type Session } from "./support";

interface Gaps {
  totalGaps: number;
  controls: {
    totalCount: number;
    edges: { node: { controlId: string; gaps: number; intervals: { isGap: boolean }[] } }[];
  };
}

async function gaps(framework: string, start: string, end: string, withGapsOnly = false): Promise<Gaps> {
  const data = await api<{ evidenceGaps: Gaps }>(
    `query($f: ID, $s: DateTime!, $e: DateTime!, $g: Boolean!) { evidenceGaps(framework: $f, start: $s, end: $e) { totalGaps
      controls(first: 20, withGapsOnly: $g) { totalCount edges { node { controlId gaps intervals { isGap } } } } } }`,
    { f: framework, s: start, e: end, g: withGapsOnly },
  );
  return data.evidenceGaps;
}

describe("Type II period view", () => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => {
    browser = await launch();
    s = await open(browser);
  });
  afterAll(async () => browser?.close());

  it("a custom period defaults to the last 12 months and shows each control's gaps as the API counts them", async () => {
    // The page itself opens on an engagement (10-engagement); "custom" is the period picked by hand.
    await visit(s.page, "#/period?engagement=custom");
    await s.page.waitForSelector('[data-testid="timelines"][data-loaded]');
    await settled(s.page);
    const framework = await s.page.inputValue('select[name="framework"]');
    expect(framework).toBe("soc2-tsc-2017");
    const start = await s.page.inputValue('input[name="start"]');
    const end = await s.page.inputValue('input[name="end"]');
    const today = new Date();
    expect(end).toBe(today.toISOString().slice(0, 10));
    const yearAgo = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate() + 1));
    expect(start).toBe(yearAgo.toISOString().slice(0, 10));

    const endExclusive = new Date(Date.parse(`${end}T00:00:00Z`) + 86_400_000).toISOString();
    const expected = await gaps(framework, `${start}T00:00:00Z`, endExclusive);
    expect(Number(await s.page.textContent('[data-testid="total-gaps"]'))).toBe(expected.totalGaps);
    expect(Number(await s.page.textContent('[data-testid="control-count"]'))).toBe(expected.controls.totalCount);
    const rows = await s.page.$$eval(".timeline-row[data-control]", (els) =>
      els.map((el) => ({
        controlId: el.getAttribute("data-control")!,
        gaps: Number(el.getAttribute("data-gaps")),
        intervals: Number(el.getAttribute("data-intervals")),
        gapRects: el.querySelectorAll('rect[data-gap="1"]').length,
        rects: el.querySelectorAll("rect").length,
      })),
    );
    expect(rows.map((r) => r.controlId)).toEqual(expected.controls.edges.map((e) => e.node.controlId));
    for (const [i, e] of expected.controls.edges.entries()) {
      const row = rows[i]!;
      expect(row.gaps).toBe(e.node.gaps);
      expect(row.intervals).toBe(e.node.intervals.length);
      // A gap is drawn exactly when there is one.
      expect(row.gapRects > 0).toBe(e.node.gaps > 0);
      expect(row.rects).toBeGreaterThan(0);
    }

    await s.page.check('input[name="gapsOnly"]');
    await s.page.waitForFunction(() => location.hash.includes("gapsOnly=1"));
    await s.page.waitForSelector('[data-testid="timelines"][data-loaded]');
    await settled(s.page);
    const onlyGaps = await gaps(framework, `${start}T00:00:00Z`, endExclusive, true);
    expect(Number(await s.page.textContent('[data-testid="control-count"]'))).toBe(onlyGaps.controls.totalCount);
    expect(
      await s.page.$$eval(".timeline-row[data-control]", (els) =>
        els.every((el) => Number(el.getAttribute("data-gaps")) > 0),
      ),
    ).toBe(true);
    expect(s.problems).toEqual([]);
  });

  it("pages through the controls", async () => {
    await s.page.uncheck('input[name="gapsOnly"]');
    await settled(s.page);
    const count = Number(await s.page.textContent('[data-testid="control-count"]'));
    if (count <= 20) return;
    const first = await s.page.getAttribute(".timeline-row[data-control]", "data-control");
    await s.page.getByRole("button", { name: "Next" }).click();
    await settled(s.page);
    const second = await s.page.getAttribute(".timeline-row[data-control]", "data-control");
    expect(second).not.toBe(first);
    await s.page.getByRole("button", { name: "Previous" }).click();
    await settled(s.page);
    expect(await s.page.getAttribute(".timeline-row[data-control]", "data-control")).toBe(first);
  });

  it("refuses a period that ends before it starts", async () => {
    await s.page.fill('input[name="start"]', "2026-06-01");
    await s.page.fill('input[name="end"]', "2026-05-01");
    await s.page.getByRole("button", { name: "Show period" }).click();
    expect(await s.page.textContent('[data-testid="timelines"]')).toContain("start is on or before its end");
  });
});
