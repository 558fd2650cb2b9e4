/**
 * The control, vendor and evidence pages, each reached by following a link from another page, their
 * content checked against what the API answers for the demo; then a walk of the main pages: every
 * control, asset, vendor, criterion and evidence id shown is a link, and every such link opens its
 * page without an error.
 */
import { describe, expect, it } from "vitest";
import type { Page as Tab } from "playwright-core";
import { DESKTOP, api, attrs, settled, texts, visit, openPage, useSession } from "./support";

const CONTROL = "AGC-CHG-02"; // has evidence and the demo's open audit exception
const EVIDENCE = "EV-CHG-02-2026-06-10"; // the evidence that exception sampled
const CARVED = "AGC-INF-06"; // carved out to the cloud provider
const VENDOR = "ven-cumulus-cloud";

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

async function follow(page: Tab, from: string, link: string): Promise<void> {
  await visit(page, from);
  await settled(page);
  await page.click(link);
  await page.waitForSelector('main [data-loaded="true"]', { timeout: 30_000 });
  await settled(page);
}

describe("entity pages", () => {
  const s = useSession();

  it("a control's page, reached from a criterion it satisfies, shows what the API says of it", async () => {
    const { control } = await api<{
      control: {
        title: string;
        criteria: { id: string }[];
        assets: { edges: { node: { id: string } }[] };
        evidence: { totalCount: number; edges: { node: { id: string; status: string } }[] };
      };
    }>(
      `query($id: ID!) { control(id: $id) { title criteria { id } assets(first: 200) { edges { node { id } } }
        evidence(first: 100) { totalCount edges { node { id status } } } } }`,
      { id: CONTROL },
    );
    await follow(
      s.page,
      `#/criterion/${encodeURIComponent(control.criteria[0]!.id)}`,
      `a[data-id-link="control"][data-id="${CONTROL}"]`,
    );
    expect(await s.page.evaluate(() => location.hash)).toBe(`#/control/${CONTROL}`);
    expect(await s.page.textContent("h1")).toContain(control.title);
    expect(sorted(await attrs(s.page, '[data-testid="satisfies"] a[data-id-link="criterion"]', "data-id"))).toEqual(
      sorted(control.criteria.map((c) => c.id)),
    );
    expect(sorted(await attrs(s.page, '[data-testid="applies-to"] a[data-id-link="asset"]', "data-id"))).toEqual(
      sorted(control.assets.edges.map((e) => e.node.id)),
    );
    // The timeline: every item, newest first, with its review state as the API has it.
    const rows = await s.page.$$eval('[data-testid="evidence-timeline"] tr[data-evidence]', (trs) =>
      trs.map((tr) => [(tr as HTMLElement).dataset.evidence!, (tr as HTMLElement).dataset.status!]),
    );
    expect(sorted(rows.map((r) => r.join(" ")))).toEqual(
      sorted(control.evidence.edges.map((e) => `${e.node.id} ${e.node.status}`)),
    );
    expect(await s.page.textContent('[data-testid="evidence-timeline"] h2')).toContain(
      `${control.evidence.totalCount} item`,
    );
    // Gaps over the period the page chose, as the API counts them over the same instants.
    await s.page.waitForSelector('[data-testid="control-gaps"][data-loaded]');
    const [start, end] = await attrs(s.page, '[data-testid="control-gaps"] p time', "datetime");
    const { controlPeriod } = await api<{ controlPeriod: { gaps: number } }>(
      "query($c: ID!, $s: DateTime!, $e: DateTime!) { controlPeriod(control: $c, start: $s, end: $e) { gaps } }",
      { c: CONTROL, s: start, e: end },
    );
    expect(await s.page.getAttribute('[data-testid="gap-count"]', "data-gaps")).toBe(String(controlPeriod.gaps));
    // Its open audit exceptions, when it has some.
    const { auditExceptions } = await api<{ auditExceptions: { edges: { node: { id: string } }[] } }>(
      "query($c: ID!) { auditExceptions(control: $c, open: true) { edges { node { id } } } }",
      { c: CONTROL },
    );
    await s.page.waitForSelector('[data-testid="control-exceptions"][data-loaded]');
    expect(await attrs(s.page, "[data-exception]", "data-exception")).toEqual(
      auditExceptions.edges.map((e) => e.node.id),
    );
    expect(auditExceptions.edges.length).toBeGreaterThan(0);
    expect(s.problems).toEqual([]);
  });

  it("an evidence item's page, reached from its control's timeline, shows its file, scope, reviews and corrections", async () => {
    const { evidence } = await api<{
      evidence: {
        title: string;
        uri: string;
        sha256: string | null;
        status: string;
        reviews: { decision: string }[];
        covers: { id: string }[];
        control: { assets: { edges: { node: { id: string } }[] } };
        supersedes: { id: string } | null;
        supersededBy: { id: string } | null;
      };
    }>(
      `query($id: ID!) { evidence(id: $id) { title uri sha256 status reviews { decision } covers { id }
        control { assets(first: 50) { edges { node { id } } } } supersedes { id } supersededBy { id } } }`,
      { id: EVIDENCE },
    );
    await follow(
      s.page,
      `#/control/${CONTROL}`,
      `[data-testid="evidence-timeline"] a[data-id-link="evidence"][data-id="${EVIDENCE}"]`,
    );
    expect(await s.page.evaluate(() => location.hash)).toBe(`#/evidence/${EVIDENCE}`);
    expect(await s.page.textContent("h1")).toContain(evidence.title);
    expect((await s.page.textContent('[data-testid="evidence-uri"]'))?.trim()).toBe(evidence.uri);
    if (evidence.sha256) expect(await s.page.textContent('[data-testid="sha256"]')).toBe(evidence.sha256);
    const scope = evidence.covers.length ? evidence.covers : evidence.control.assets.edges.map((e) => e.node);
    expect(sorted(await attrs(s.page, '[data-testid="evidence-scope"] a[data-id-link="asset"]', "data-id"))).toEqual(
      sorted(scope.map((a) => a.id)),
    );
    expect(await attrs(s.page, '[data-testid="evidence-reviews"] tr[data-decision]', "data-decision")).toEqual(
      evidence.reviews.map((r) => r.decision),
    );
    const linked = async (testid: string): Promise<string[]> =>
      attrs(s.page, `[data-testid="${testid}"] a[data-id-link="evidence"]`, "data-id");
    expect(await linked("superseded-by")).toEqual(evidence.supersededBy ? [evidence.supersededBy.id] : []);
    expect(await linked("supersedes")).toEqual(evidence.supersedes ? [evidence.supersedes.id] : []);
    expect(await attrs(s.page, 'a[data-id-link="control"]', "data-id")).toContain(CONTROL);
    expect(s.problems).toEqual([]);
  });

  it("a vendor's page, reached from a control carved out to it, shows its report, assets, controls and what a lapse would cost", async () => {
    const { vendor, vendorLapse } = await api<{
      vendor: {
        name: string;
        reportValidUntil: string | null;
        assets: { id: string }[];
        controls: { id: string; status: string }[];
      };
      vendorLapse: { controlIds: string[]; frameworks: { frameworkId: string; changes: { criterionId: string }[] }[] };
    }>(
      `query($id: ID!) { vendor(id: $id) { name reportValidUntil assets { id } controls { id status } }
        vendorLapse(vendor: $id) { controlIds frameworks { frameworkId changes { criterionId } } } }`,
      { id: VENDOR },
    );
    await follow(s.page, `#/control/${CARVED}`, `a[data-id-link="vendor"][data-id="${VENDOR}"]`);
    expect(await s.page.evaluate(() => location.hash)).toBe(`#/vendor/${VENDOR}`);
    expect(await s.page.textContent("h1")).toContain(vendor.name);
    const valid = vendor.reportValidUntil && Date.parse(vendor.reportValidUntil) > Date.now();
    expect(await s.page.getAttribute('[data-testid="report-state"]', "data-report")).toBe(valid ? "VALID" : "EXPIRED");
    expect(sorted(await attrs(s.page, '[data-testid="provides"] a[data-id-link="asset"]', "data-id"))).toEqual(
      sorted(vendor.assets.map((a) => a.id)),
    );
    expect(sorted(await attrs(s.page, '[data-testid="relying-controls"] tr[data-control]', "data-control"))).toEqual(
      sorted(vendor.controls.filter((c) => c.status === "CARVED_OUT").map((c) => c.id)),
    );
    // The lapse, as the API's what-if computes it: the same criteria flip, framework by framework.
    await s.page.waitForSelector('[data-testid="lapse"][data-loaded]');
    const flipping = vendorLapse.frameworks.filter((f) => f.changes.length);
    expect(flipping.length).toBeGreaterThan(0); // the demo's cloud report carries CC6.4 alone
    for (const f of flipping) {
      expect(
        sorted(
          await attrs(
            s.page,
            `.lapse-framework[data-framework="${f.frameworkId}"] tr[data-criterion]`,
            "data-criterion",
          ),
        ),
      ).toEqual(sorted(f.changes.map((c) => c.criterionId)));
    }
    expect(await s.page.locator(".lapse-framework").count()).toBe(flipping.length);
    expect(sorted(await attrs(s.page, '[data-testid="lapse-summary"] a[data-id-link="control"]', "data-id"))).toEqual(
      sorted(vendorLapse.controlIds),
    );
    expect(s.problems).toEqual([]);
  });
});

interface Page<N> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: N }[];
}

/** Every id the API knows of the kinds that have a page. */
async function knownIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  const lists = await api<{
    controls: { edges: { node: { id: string } }[] };
    assets: { edges: { node: { id: string } }[] };
    vendors: { edges: { node: { id: string } }[] };
    frameworks: { edges: { node: { id: string } }[] };
  }>(
    `{ controls(first: 500) { edges { node { id } } } assets(first: 500) { edges { node { id } } }
       vendors(first: 100) { edges { node { id } } } frameworks(first: 50) { edges { node { id } } } }`,
  );
  for (const list of [lists.controls, lists.assets, lists.vendors]) for (const e of list.edges) ids.add(e.node.id);
  for (const { node } of lists.frameworks.edges) {
    for (let after: string | null = null; ;) {
      const { framework }: { framework: { criteria: Page<{ id: string }> } } = await api(
        "query($f: ID!, $after: String) { framework(id: $f) { criteria(first: 500, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } } }",
        { f: node.id, after },
      );
      for (const e of framework.criteria.edges) ids.add(e.node.id);
      if (!framework.criteria.pageInfo.hasNextPage) break;
      after = framework.criteria.pageInfo.endCursor;
    }
  }
  // Evidence has no list of its own: its controls' items, a page of controls at a time.
  let after: string | null = null;
  for (;;) {
    const page: {
      controls: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: { node: { evidence: { edges: { node: { id: string } }[] } } }[];
      };
    } = await api(
      `query($after: String) { controls(first: 20, after: $after) { pageInfo { hasNextPage endCursor }
        edges { node { evidence(first: 100) { edges { node { id } } } } } } }`,
      { after },
    );
    for (const c of page.controls.edges) for (const e of c.node.evidence.edges) ids.add(e.node.id);
    if (!page.controls.pageInfo.hasNextPage) break;
    after = page.controls.pageInfo.endCursor;
  }
  return ids;
}

const MAIN_PAGES = [
  "#/overview",
  `#/criterion/${encodeURIComponent("soc2-tsc-2017:CC6.1")}`,
  "#/assets?asset=inf-gpu-cluster",
  "#/missing",
  "#/period",
  "#/engagement/soc2-type2-model-serving",
  `#/control/${CONTROL}`,
  `#/vendor/${VENDOR}`,
  `#/evidence/${EVIDENCE}`,
];

/** Links opened per kind of id (each page of a kind is the same code; a few of each is enough). */
const OPENED_PER_KIND = 6;

describe("every id is a link", () => {
  const s = useSession();

  it("on the main pages, every id shown is a link, and the links open their pages without an error", async () => {
    const ids = [...(await knownIds())];
    const hrefs = new Map<string, Set<string>>();
    for (const hash of MAIN_PAGES) {
      await openPage(s.page, hash, "main [data-loaded]");
      // Text that is exactly an id, outside a link: the page's own id (h1, breadcrumb) aside.
      const unlinked = await s.page.evaluate((known) => {
        const set = new Set(known);
        const walker = document.createTreeWalker(document.querySelector("main")!, NodeFilter.SHOW_TEXT);
        const found: string[] = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = (n.textContent ?? "").trim();
          const el = n.parentElement!;
          if (!set.has(text) || el.closest('a[href^="#/"], h1, [aria-current="page"], option, select, svg')) continue;
          found.push(`${text} in <${el.tagName.toLowerCase()} ${el.className}>`);
        }
        return found;
      }, ids);
      expect(unlinked, `ids shown without a link on ${hash}`).toEqual([]);
      for (const [kind, href] of await s.page.$$eval("main a[data-id-link]", (as) =>
        as.map((a) => [a.getAttribute("data-id-link")!, a.getAttribute("href")!]),
      )) {
        if (!hrefs.has(kind)) hrefs.set(kind, new Set());
        hrefs.get(kind)!.add(href);
      }
    }
    expect(sorted(hrefs.keys())).toEqual(["asset", "control", "criterion", "evidence", "vendor"]);
    const page = {
      asset: "assets",
      control: "control",
      criterion: "criterion",
      evidence: "evidence",
      vendor: "vendor",
    };
    for (const [kind, set] of hrefs) {
      for (const href of [...set].slice(0, OPENED_PER_KIND)) {
        await openPage(s.page, href, "main h1");
        expect(await s.page.getAttribute("main", "data-page"), href).toBe(page[kind as keyof typeof page]);
        expect(await s.page.locator(".state-error").count(), href).toBe(0);
        expect(await texts(s.page, ".state-empty p"), href).not.toContainEqual(expect.stringMatching(/^There is no/));
        if (kind !== "asset" && kind !== "criterion") {
          // The new pages stay within ~3 screens by default.
          const height = await s.page.evaluate(() => document.documentElement.scrollHeight);
          expect(height, href).toBeLessThanOrEqual(3 * DESKTOP.height);
        }
      }
    }
    expect(s.problems).toEqual([]);
  });
});
