import { describe, expect, it } from "vitest";
import {
  api,
  coverageTotals,
  frameworkIds,
  settled,
  visit,
  type Counts,
  type Session,
  openPage,
  useSession,
} from "./support";

interface Impact {
  assetIds: string[];
  staleEvidence: { evidenceId: string }[];
  frameworks: { frameworkId: string; before: Counts; after: Counts; changes: { criterionId: string }[] }[];
}

async function impact(asset: string, at: string, propagate = true): Promise<Impact> {
  const data = await api<{ impact: Impact }>(
    `query($c: ChangeInput!) { impact(change: $c) { assetIds staleEvidence { evidenceId }
      frameworks { frameworkId before { total covered partial uncovered } after { total covered partial uncovered } changes { criterionId } } } }`,
    { c: { asset, at, propagate } },
  );
  return data.impact;
}

async function overviewTotals(s: Session, framework: string): Promise<Counts> {
  const read = async (key: string) =>
    Number(
      await s.page.textContent(`section[data-framework="${framework}"] dd[data-count="${key}"][data-scope="total"]`),
    );
  return {
    total: await read("total"),
    covered: await read("covered"),
    partial: await read("partial"),
    uncovered: await read("uncovered"),
  };
}

/** A minute ago, as the datetime-local input wants it (UTC). */
function minuteAgo(): { input: string; iso: string } {
  const d = new Date(Date.now() - 60_000);
  const input = d.toISOString().slice(0, 16);
  return { input, iso: `${input}:00Z` };
}

const NOTE = "e2e: retrained on the November data";

async function changes(
  asset: string,
  first: number,
): Promise<{ totalCount: number; edges: { node: { id: string } }[] }> {
  const data = await api<{ changes: { totalCount: number; edges: { node: { id: string } }[] } }>(
    "query($a: ID!, $n: Int) { changes(asset: $a, first: $n) { totalCount edges { node { id } } } }",
    { a: asset, n: first },
  );
  return data.changes;
}

describe("change impact", () => {
  /** The asset the first test changed (the history tests read it). */
  let changed: string | null = null;
  const s = useSession();

  it("previews a change, records it, and the overview's numbers move", async () => {
    const at = minuteAgo();
    // The asset whose change moves coverage the most (asked of the API, not assumed).
    const assets = await api<{ assets: { edges: { node: { id: string } }[] } }>(
      "{ assets(first: 500) { edges { node { id } } } }",
    );
    let best: { id: string; moved: number; report: Impact } | null = null;
    for (const { node } of assets.assets.edges) {
      const report = await impact(node.id, at.iso);
      const moved = report.frameworks.reduce((n, f) => n + f.changes.length, 0);
      if (!best || moved > best.moved) best = { id: node.id, moved, report };
    }
    expect(best && best.moved).toBeGreaterThan(0);
    const { id: asset, report: expected } = best!;
    const ids = await frameworkIds();

    // Before: the overview shows what the API says now.
    await visit(s.page, "#/overview");
    await settled(s.page);
    const before = new Map<string, Counts>();
    for (const id of ids) {
      before.set(id, await overviewTotals(s, id));
      expect(before.get(id)).toEqual(await coverageTotals(id));
    }

    const history0 = await changes(asset, 100);

    // Preview (writes nothing).
    await visit(s.page, `#/impact?asset=${asset}`);
    await s.page.waitForSelector('select[name="asset"]');
    await s.page.fill('input[name="at"]', at.input);
    await s.page.selectOption('select[name="kind"]', "RETRAIN");
    await s.page.fill('input[name="note"]', NOTE);
    await s.page.getByRole("button", { name: "Preview impact" }).click();
    await s.page.waitForSelector('[data-testid="impact"][data-loaded]');
    await settled(s.page);
    const preview = '[data-testid="impact-preview"]';
    expect(Number(await s.page.textContent(`${preview} [data-testid="touched-count"]`))).toBe(expected.assetIds.length);
    expect(Number(await s.page.textContent(`${preview} [data-testid="stale-count"]`))).toBe(
      expected.staleEvidence.length,
    );
    for (const fw of expected.frameworks) {
      for (const key of ["covered", "partial", "uncovered"] as const) {
        const li = `${preview} .delta[data-framework="${fw.frameworkId}"] li[data-count="${key}"]`;
        expect(Number(await s.page.getAttribute(li, "data-before"))).toBe(fw.before[key]);
        expect(Number(await s.page.getAttribute(li, "data-after"))).toBe(fw.after[key]);
      }
      const moved = await s.page.$$eval(
        `${preview} .delta[data-framework="${fw.frameworkId}"] li[data-criterion]`,
        (lis) => lis.map((li) => li.getAttribute("data-criterion")),
      );
      expect(moved.sort()).toEqual(fw.changes.map((c) => c.criterionId).sort());
    }
    for (const id of ids) expect(await coverageTotals(id)).toEqual(before.get(id)); // the preview wrote nothing

    // The record button comes after the preview, and asks first: cancelling writes nothing.
    expect(
      await s.page.$eval('[data-testid="impact-preview"]', (preview) => {
        const button = document.querySelector('[data-testid="record-change"]')!;
        return !!(preview.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING);
      }),
    ).toBe(true);
    const name = (await api<{ asset: { name: string } }>("query($a: ID!) { asset(id: $a) { name } }", { a: asset }))
      .asset.name;
    const staleItems = new Set(expected.staleEvidence.map((e) => e.evidenceId)).size;
    // Every stale item listed (folded when many), and the page within three screens.
    expect(await s.page.locator('[data-testid="stale-evidence"] tr[data-evidence]').count()).toBe(staleItems);
    expect(await s.page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(3 * 900);
    const question = `Record a change of ${name} (${asset}) at ${at.input.replace("T", " ")} UTC? ${staleItems} evidence item${staleItems === 1 ? "" : "s"} will go stale.`;
    await s.page.getByRole("button", { name: "Record change…" }).click();
    const dialog = s.page.getByRole("dialog", { name: "Record this change?" });
    await dialog.waitFor();
    expect(await dialog.locator('[data-testid="record-question"]').textContent()).toBe(question);
    expect(await s.page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel"); // the safe default
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    for (const id of ids) expect(await coverageTotals(id)).toEqual(before.get(id));
    expect((await changes(asset, 1)).totalCount).toBe(history0.totalCount);

    // Record, confirmed.
    await s.page.getByRole("button", { name: "Record change…" }).click();
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Record change" }).click();
    await s.page.waitForSelector('[data-testid="impact-recorded"]');
    await s.page.waitForSelector('[data-testid="coverage-now"]');
    const after = new Map<string, Counts>();
    for (const id of ids) {
      after.set(id, await coverageTotals(id));
      const read = async (key: string) =>
        Number(
          await s.page.textContent(`[data-testid="coverage-now"] [data-framework="${id}"] dd[data-count="${key}"]`),
        );
      expect({
        total: await read("total"),
        covered: await read("covered"),
        partial: await read("partial"),
        uncovered: await read("uncovered"),
      }).toEqual(after.get(id));
    }
    expect(await s.page.textContent('[data-testid="record-change"]')).toBe("Recorded");
    // No second copy of the preview: one link to the new change in the asset's history.
    expect(await s.page.locator('[data-testid="impact-recorded"] .delta').count()).toBe(0);
    expect(await s.page.locator('[data-testid="impact-preview"]').count()).toBe(1);
    const recorded = (await changes(asset, 100)).edges.map((e) => e.node.id);
    const newIds = recorded.filter((id) => !history0.edges.some((e) => e.node.id === id));
    expect(newIds).toHaveLength(1);
    const link = '[data-testid="recorded-change-link"]';
    expect(await s.page.getAttribute(link, "href")).toBe(`#/assets?asset=${asset}&change=${newIds[0]}`);
    await s.page.click(link);
    await s.page.waitForSelector('[data-testid="asset-history"][data-loaded]');
    await settled(s.page);
    const target = `[data-testid="change-history"] tr[data-change="${newIds[0]}"]`;
    expect(await s.page.getAttribute(target, "aria-current")).toBe("true");
    await s.page.waitForFunction((sel) => document.activeElement === document.querySelector(`${sel} th`), target);

    // The overview moves with it.
    await s.page.click('a[data-nav="overview"]');
    await s.page.waitForSelector("section[data-framework][data-loaded]");
    await settled(s.page);
    let moved = 0;
    for (const id of ids) {
      const shown = await overviewTotals(s, id);
      expect(shown).toEqual(after.get(id));
      if (shown.covered !== before.get(id)!.covered) moved += 1;
      const fw = expected.frameworks.find((f) => f.frameworkId === id);
      if (fw && fw.changes.length > 0) expect(shown).toEqual(fw.after);
    }
    expect(moved).toBeGreaterThan(0);

    // The asset's history shows the change, newest first, with its kind and note; an asset in its
    // blast radius shows the change it followed, linking back.
    changed = asset;
    const history = await changes(asset, 10);
    await openPage(s.page, `#/assets?asset=${asset}`, '[data-testid="asset-history"][data-loaded]');
    const top = '[data-testid="change-history"] tbody tr:first-child';
    expect(await s.page.getAttribute(top, "data-change")).toBe(history.edges[0]!.node.id);
    expect(await s.page.getAttribute(top, "data-kind")).toBe("RETRAIN");
    expect(await s.page.textContent(`${top} td:nth-child(3)`)).toBe(NOTE);
    expect(await s.page.getAttribute('[data-testid="changed-at"] time', "datetime")).toBe(at.iso);
    const follower = expected.assetIds.find((id) => id !== asset);
    expect(follower).toBeDefined(); // the change moved coverage through its blast radius
    await openPage(s.page, `#/assets?asset=${follower}`, '[data-testid="asset-history"][data-loaded]');
    expect(await s.page.getAttribute(`${top} td[data-propagated-from] a`, "href")).toBe(`#/assets?asset=${asset}`);
    expect(s.problems).toEqual([]);
  });

  it("pages through a long change history with 'More'", async () => {
    expect(changed).not.toBeNull();
    const asset = changed!;
    // Back-dated changes, one an hour, without propagation: enough for a second page.
    for (let i = 1; i <= 10; i++) {
      const when = new Date(Date.now() - i * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
      await api(`mutation($c: ChangeInput!) { recordChange(change: $c) { recorded } }`, {
        c: { asset, at: when, propagate: false, kind: "CONFIG", note: `e2e back-dated ${i}` },
      });
    }
    const all = await changes(asset, 100);
    expect(all.totalCount).toBeGreaterThan(10);
    await openPage(s.page, `#/assets?asset=${asset}`, '[data-testid="asset-history"][data-loaded]');
    const rows = '[data-testid="change-history"] tbody tr';
    expect(await s.page.$$eval(rows, (trs) => trs.length)).toBe(10);
    while (await s.page.isVisible('[data-testid="more-changes"]')) {
      const before = await s.page.$$eval(rows, (trs) => trs.length);
      await s.page.click('[data-testid="more-changes"]');
      await s.page.waitForFunction(([sel, n]) => document.querySelectorAll(sel as string).length > (n as number), [
        rows,
        before,
      ] as const);
    }
    expect(await s.page.$$eval(rows, (trs) => trs.map((tr) => tr.getAttribute("data-change")))).toEqual(
      all.edges.map((e) => e.node.id),
    );
    expect(Number(await s.page.textContent('[data-testid="change-count"]'))).toBe(all.totalCount);
    expect(s.problems).toEqual([]);
  });

  it("says what failed when the change is refused", async () => {
    await visit(s.page, "#/impact");
    await s.page.waitForSelector('select[name="asset"]');
    // An asset deleted between loading the form and previewing: the API answers NOT_FOUND.
    await s.page.evaluate(() => {
      const select = document.querySelector('select[name="asset"]') as HTMLSelectElement;
      select.add(new Option("Ghost", "no-such-asset"));
      select.value = "no-such-asset";
    });
    await s.page.getByRole("button", { name: "Preview impact" }).click();
    await s.page.waitForSelector('[data-testid="impact"] [role="alert"]');
    expect(await s.page.textContent('[data-testid="impact"] [role="alert"]')).toContain(
      "Could not preview the impact of changing no-such-asset",
    );
    expect(await s.page.textContent('[data-testid="impact"] .error-code')).toMatch(/^[A-Z_]+$/);
  });
});
