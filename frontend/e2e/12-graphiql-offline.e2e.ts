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
    await s.page.getByRole("button", { name: "Use key" }).click();
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
