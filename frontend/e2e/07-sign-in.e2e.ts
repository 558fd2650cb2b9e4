import { describe, expect, it } from "vitest";
import { api, apiKey, coverageTotals, settled, visit, useSession } from "./support";

describe("signing in with an API key", () => {
  const s = useSession(undefined, false);

  it("asks for a key when the service answers 401, and refuses a wrong one with its code", async () => {
    await visit(s.page, "#/overview");
    await s.page.waitForSelector('[data-testid="sign-in"]');
    expect(await s.page.textContent("h1")).toBe("Sign in");
    expect(await s.page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("apiKey");

    await s.page.fill('input[name="apiKey"]', "not a key");
    await s.page.getByRole("button", { name: "Sign in" }).click();
    expect(await s.page.textContent('[data-testid="sign-in-message"]')).toContain("does not look like an API key");

    const wrong = `ag_${"0".repeat(16)}_${"A".repeat(43)}`;
    await s.page.fill('input[name="apiKey"]', wrong);
    await s.page.getByRole("button", { name: "Sign in" }).click();
    await s.page.waitForSelector('[data-testid="sign-in-message"] [role="alert"]');
    expect(await s.page.textContent('[data-testid="sign-in-message"] .error-code')).toBe("UNAUTHENTICATED");
  });

  it("signs in, shows who is signed in, keeps the key for the tab, and signs out", async () => {
    await s.page.fill('input[name="apiKey"]', apiKey());
    await s.page.getByRole("button", { name: "Sign in" }).click();
    await s.page.waitForSelector("section[data-framework][data-loaded]");
    await settled(s.page);
    expect((await s.page.textContent('[data-testid="session"]'))?.toLowerCase()).toContain("admin");
    const soc2 = await coverageTotals("soc2-tsc-2017");
    expect(Number(await s.page.textContent('section[data-framework="soc2-tsc-2017"] dd[data-count="covered"]'))).toBe(
      soc2.covered,
    );

    await s.page.reload();
    await s.page.waitForSelector("section[data-framework][data-loaded]");
    expect(await s.page.locator('[data-testid="sign-in"]').count()).toBe(0);

    await s.page.click('[data-testid="sign-out"]');
    await s.page.waitForSelector('[data-testid="sign-in"]');
    expect(await s.page.evaluate(() => sessionStorage.getItem("attestgraph.apiKey"))).toBeNull();
  });

  it("lets a viewer preview a change but not record it", async () => {
    const created = await api<{ createApiKey: { secret: string } }>(
      'mutation { createApiKey(name: "e2e viewer", role: VIEWER) { secret } }',
    );
    await s.page.fill('input[name="apiKey"]', created.createApiKey.secret);
    await s.page.getByRole("button", { name: "Sign in" }).click();
    await s.page.waitForSelector("section[data-framework][data-loaded]");
    expect((await s.page.textContent('[data-testid="session"]'))?.toLowerCase()).toContain("viewer");
    await visit(s.page, "#/impact?asset=inf-gpu-cluster");
    await s.page.waitForSelector('[data-testid="impact"][data-loaded]');
    expect(await s.page.isDisabled('[data-testid="record-change"]')).toBe(true);
    expect(await s.page.textContent(".record")).toContain("may preview but not record");
  });
});
