/**
 * Issue 16 item 7, the small things: one date format, plain-date `asOf` in the API, plurals,
 * relationship sentences with strength words, navigation hidden while signed out, the overview's
 * framework tables collapsed by default. (Never collected first and "no owner set": 04 and 97.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { DEMO } from "./audit-api";
import { api, apiKey, launch, open, settled, visit, type Session, openPage } from "./support";

const SOC2 = "soc2-tsc-2017";
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/;

const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

describe("small things", () => {
  let browser: Browser;
  let s: Session;
  beforeAll(async () => {
    browser = await launch();
    s = await open(browser);
  });
  afterAll(async () => browser?.close());

  it("writes every date as an ISO day, every time in UTC saying so", async () => {
    let seen = 0;
    for (const hash of ["#/overview", "#/missing", `#/engagement/${DEMO}`, `#/matrix?framework=${SOC2}`]) {
      await openPage(s.page, hash, "main h1");
      const times = await s.page.$$eval("main time", (els) => els.map((e) => (e.textContent ?? "").trim()));
      seen += times.length;
      for (const t of times) expect(DAY.test(t) || INSTANT.test(t), `${hash}: ${t}`).toBe(true);
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("takes a plain date for asOf as the start of that UTC day", async () => {
    const q = "query($a: DateTime) { coverage(framework: $f, asOf: $a) { asOf totals { covered partial uncovered } } }";
    const doc = q.replace("query($a: DateTime)", "query($a: DateTime, $f: ID!)");
    const day = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const plain = await api<{ coverage: unknown }>(doc, { a: day, f: SOC2 });
    const instant = await api<{ coverage: { asOf: string } }>(doc, { a: `${day}T00:00:00Z`, f: SOC2 });
    expect(plain.coverage).toEqual(instant.coverage);
    expect(instant.coverage.asOf).toBe(`${day}T00:00:00Z`);
  });

  it("counts in words with the right plural", async () => {
    const data = await api<{ assets: { edges: { node: { id: string } }[] } }>(
      "{ assets(first: 500) { edges { node { id } } } }",
    );
    const radius = async (id: string) =>
      (
        await api<{
          blastRadius: {
            assets: { totalCount: number };
            controls: unknown[];
            criteria: unknown[];
            frameworks: unknown[];
            vendors: unknown[];
            evidence: { totalCount: number };
          };
        }>(
          "query($a: ID!) { blastRadius(asset: $a) { assets { totalCount } controls { id } criteria { id } frameworks { id } vendors { id } evidence { totalCount } } }",
          { a: id },
        )
      ).blastRadius;
    // An asset whose radius has exactly one of something, if the demo has one.
    let chosen = data.assets.edges[0]!.node.id;
    let br = await radius(chosen);
    for (const { node } of data.assets.edges.slice(0, 15)) {
      const r = await radius(node.id);
      if ([r.vendors.length, r.frameworks.length, r.assets.totalCount].includes(1)) {
        chosen = node.id;
        br = r;
        break;
      }
    }
    await openPage(s.page, `#/assets?asset=${encodeURIComponent(chosen)}`, '[data-testid="blast-summary"]');
    const summary = (await s.page.textContent('[data-testid="blast-summary"]')) ?? "";
    for (const phrase of [
      n(br.assets.totalCount, "asset"),
      n(br.controls.length, "control"),
      n(br.criteria.length, "criterion", "criteria"),
      n(br.frameworks.length, "framework"),
      n(br.vendors.length, "vendor"),
      n(br.evidence.totalCount, "evidence item"),
    ])
      expect(summary).toContain(phrase);
    expect(summary).not.toMatch(/\b1 (assets|controls|criteria|frameworks|vendors|evidence items)\b/);
  });

  it("reads mappings as sentences, the strength as a word with its value on hover", async () => {
    await openPage(
      s.page,
      `#/crosswalk?source=${SOC2}&target=iso-iec-27001-2022`,
      '[data-testid="crosswalk"][data-loaded]',
    );
    const cells = await s.page.$$eval('[data-testid="crosswalk-matrix"] td[data-source]', (tds) =>
      tds.map((td) => ({
        strength: Number(td.getAttribute("data-strength")),
        label: td.querySelector("a")!.getAttribute("aria-label") ?? "",
      })),
    );
    expect(cells.length).toBeGreaterThan(0);
    const word = (v: number) => (v >= 8 ? "strong" : v >= 4 ? "medium" : "weak");
    for (const c of cells) {
      expect(c.label).toMatch(
        /^\S+ (equals|intersects|is a subset of|is a superset of) \S+ \((strong|medium|weak), \d+ of 10\)$/,
      );
      expect(c.label).toContain(`(${word(c.strength)}, ${c.strength} of 10)`);
    }
    const listed = await s.page.$$eval('[data-testid="crosswalk-list"] td[data-strength]', (tds) =>
      tds.map((td) => ({
        value: td.getAttribute("data-strength")!,
        text: td.textContent,
        title: td.getAttribute("title"),
      })),
    );
    for (const l of listed) {
      expect(l.text).toBe(word(Number(l.value)));
      expect(l.title).toContain(`strength ${l.value} of 10`);
    }
  });

  it("collapses the overview's framework tables by default", async () => {
    await visit(s.page, "#/overview");
    await settled(s.page);
    const toggles = s.page.locator('[data-testid="framework-details"]');
    expect(await toggles.count()).toBeGreaterThan(0);
    expect(await s.page.locator('[data-testid="framework-details-body"]:visible').count()).toBe(0);
    expect(await toggles.first().getAttribute("aria-expanded")).toBe("false");
    await toggles.first().press("Enter");
    expect(await toggles.first().getAttribute("aria-expanded")).toBe("true");
    expect(await s.page.locator('[data-testid="framework-details-body"]:visible').count()).toBe(1);
  });

  it("hides the navigation while signed out", async () => {
    const out = await open(browser, undefined, false);
    await visit(out.page, "#/overview");
    await out.page.waitForSelector('[data-testid="sign-in"]');
    expect(await out.page.isHidden("nav.nav")).toBe(true);
    await out.page.fill('input[name="apiKey"]', apiKey());
    await out.page.getByRole("button", { name: "Sign in" }).click();
    await out.page.waitForSelector("section[data-framework][data-loaded]");
    expect(await out.page.isVisible("nav.nav")).toBe(true);
    await out.page.click('[data-testid="sign-out"]');
    await out.page.waitForSelector('[data-testid="sign-in"]');
    expect(await out.page.isHidden("nav.nav")).toBe(true);
    await out.context.close();
  });
});
