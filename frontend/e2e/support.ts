/** Shared by the end-to-end tests: the service's address, direct GraphQL, the browser, screenshots. */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, "..", "..");
export const SCREENSHOTS = join(REPO_ROOT, "test-artifacts", "screenshots");

export function baseUrl(): string {
  const url = process.env.AG_BASE_URL;
  if (!url)
    throw new Error(
      "AG_BASE_URL is not set: run the end-to-end tests with `npm run test:e2e`, which starts the service",
    );
  return url.replace(/\/$/, "");
}

export function apiKey(): string {
  const key = process.env.AG_API_KEY;
  if (!key) throw new Error("AG_API_KEY is not set: run the end-to-end tests with `npm run test:e2e`");
  return key;
}

/** POST /graphql with the run's admin key; waits out the service's rate limit when told to. */
export async function post(body: unknown, key: string | null = apiKey()): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${baseUrl()}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
    if (response.status !== 429 || attempt >= 5) return response;
    await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get("retry-after") ?? 1)));
  }
}

/** Ask the API directly (the numbers the pages must show). Throws on GraphQL errors. */
export async function api<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await post({ query, variables });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join("; ")}`);
  return body.data as T;
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far (a test can assert there are none). */
  problems: string[];
}

/** A fresh browser context; signed in (`key`, by default the run's admin key, in sessionStorage) unless `signedIn` is false. */
export async function open(browser: Browser, viewport = DESKTOP, signedIn = true, key = apiKey()): Promise<Session> {
  const context = await browser.newContext({
    viewport,
    acceptDownloads: true,
    timezoneId: "America/Los_Angeles",
    locale: "en-US",
  });
  if (signedIn) {
    await context.addInitScript((key) => {
      if (!sessionStorage.getItem("attestgraph.apiKey")) sessionStorage.setItem("attestgraph.apiKey", key);
    }, key);
  }
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

/**
 * The usual preamble of a describe block: a browser for the block and one session in it (see
 * `open`), closed after the block. The session is filled in before the first test runs.
 */
export function useSession(viewport = DESKTOP, signedIn = true): Session {
  let browser: Browser | undefined;
  const session = { problems: [] } as unknown as Session;
  beforeAll(async () => {
    browser = await launch();
    Object.assign(session, await open(browser, viewport, signedIn));
  });
  afterAll(async () => browser?.close());
  return session;
}

export async function visit(page: Page, hash: string): Promise<void> {
  await page.goto(`${baseUrl()}/${hash}`);
}

/** Open a page and wait until its data has arrived (`ready` is present) and nothing is loading. */
export async function openPage(page: Page, hash: string, ready: string): Promise<void> {
  await visit(page, hash);
  await page.waitForSelector(ready, { timeout: 30_000 });
  await settled(page);
}

/** Wait until no loading state is left on the page. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector(".state-loading"), undefined, { timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  const path = join(SCREENSHOTS, `${name}-${width}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export async function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? "").trim()));
}

export async function attrs(page: Page, selector: string, name: string): Promise<string[]> {
  return page.$$eval(selector, (els, n) => els.map((e) => e.getAttribute(n) ?? ""), name);
}

/** UTC day n days before now, as YYYY-MM-DD. */
export function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

/** A new API key of `role` (VIEWER, EDITOR, AUDITOR, …), made with the run's admin key. */
export async function keyFor(role: string, name: string): Promise<string> {
  const data = await api<{ createApiKey: { secret: string } }>(
    "mutation($n: String!, $r: Role!) { createApiKey(name: $n, role: $r) { secret } }",
    { n: name, r: role },
  );
  return data.createApiKey.secret;
}

export interface Counts {
  total: number;
  covered: number;
  partial: number;
  uncovered: number;
}

export async function frameworkIds(): Promise<string[]> {
  const data = await api<{ frameworks: { edges: { node: { id: string } }[] } }>(
    "{ frameworks(first: 100) { edges { node { id } } } }",
  );
  return data.frameworks.edges.map((e) => e.node.id);
}

export async function coverageTotals(framework: string, asOf: string | null = null): Promise<Counts> {
  const data = await api<{ coverage: { totals: Counts } }>(
    "query($f: ID!, $a: DateTime) { coverage(framework: $f, asOf: $a) { totals { total covered partial uncovered } } }",
    { f: framework, a: asOf },
  );
  return data.coverage.totals;
}
