import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { api, apiKey, baseUrl, launch, open, screenshot, type Session } from "./support";

/** GraphiQL on an air-gapped host: every request that would leave loopback is refused. */
describe("GraphiQL offline", () => {
  let browser: Browser;
  let s: Session;
  const leaving: string[] = [];
  beforeAll(async () => {
    browser = await launch();
    s = await open(browser, undefined, false);
    await s.context.route("**/*", (route) => {
      const { hostname, protocol } = new URL(route.request().url());
      if (protocol === "data:" || hostname === "127.0.0.1" || hostname === "localhost") return route.continue();
      leaving.push(route.request().url());
      return route.abort("internetdisconnected");
    });
  });
  afterAll(async () => browser?.close());

  it("renders from the service's own files and says how to send the API key", async () => {
    await s.page.goto(`${baseUrl()}/graphql`);
    await s.page.waitForSelector(".graphiql-container .graphiql-execute-button", { timeout: 30_000 });
    const help = await s.page.textContent('[data-testid="ide-help"]');
    expect(help).toContain("Authorization: Bearer <key>");
    expect(help).toContain("X-API-Key");
    expect(help).toContain("Headers");
    expect(leaving).toEqual([]);
  });

  it("runs a query with the key given on the page", async () => {
    await s.page.fill("#ide-key", apiKey());
    // The new fetcher asks for the schema with the key; once that answers, GraphiQL runs with it
    // (a click before React committed it ran with the old fetcher, unauthenticated, on a busy machine).
    const schema = s.page.waitForResponse(
      (r) => r.url().endsWith("/graphql") && r.request().method() === "POST" && r.status() === 200,
    );
    await s.page.getByRole("button", { name: "Use key" }).click();
    await schema;
    await s.page.waitForSelector(".graphiql-container .graphiql-execute-button");
    await s.page.click(".graphiql-execute-button");
    await s.page.waitForFunction(() => document.querySelector(".result-window")?.textContent?.includes('"roles"'), {
      timeout: 30_000,
    });
    const result = (await s.page.textContent(".result-window")) ?? "";
    expect(result).toContain('"ADMIN"');
    const first = await api<{ frameworks: { edges: { node: { id: string } }[] } }>(
      "{ frameworks(first: 1) { edges { node { id } } } }",
    );
    expect(result).toContain(`"id": "${first.frameworks.edges[0]!.node.id}"`);
    expect(leaving).toEqual([]);
    await screenshot(s.page, "graphiql");
    // The only errors allowed are the 401s of the schema asked for before a key was given.
    expect(s.problems.filter((p) => !p.includes("401"))).toEqual([]);
  });
});

/** The real build as the service sends it: every file the two pages load is kept a year, and gzipped above 1 KB. */
describe("the dashboard's files on a slow link", () => {
  it.each(["/", "/graphql"])("%s: its page revalidated, its hashed files immutable and compressed", async (path) => {
    const page = await fetch(`${baseUrl()}${path}`, { headers: { accept: "text/html", "accept-encoding": "gzip" } });
    expect(page.headers.get("cache-control")).toBe(path === "/" ? "no-cache" : "no-store");
    const files = [...(await page.text()).matchAll(/(?:src|href)="\.?\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const response = await fetch(`${baseUrl()}/${file}`, { headers: { "accept-encoding": "gzip" } });
      expect(response.status, file).toBe(200);
      expect(response.headers.get("cache-control"), file).toBe("public, max-age=31536000, immutable");
      // Below 1 KB a file is sent as is (gzip would gain next to nothing).
      if (response.headers.get("content-encoding") !== "gzip")
        expect((await response.arrayBuffer()).byteLength, file).toBeLessThan(1024);
      expect(response.headers.get("x-content-type-options"), file).toBe("nosniff");
    }
  });
});
