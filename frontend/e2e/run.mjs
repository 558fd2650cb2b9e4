#!/usr/bin/env node
/**
 * End-to-end runner: build the dashboard if needed, start the real service with the demo org
 * on a free port and a fresh data dir, wait for /readyz, run the browser tests (vitest +
 * playwright-core + Debian's Chromium), stop the service. Exits non-zero on any failure and
 * always ends with a plain "e2e: N passed, N failed" line.
 *
 * Env: ATTESTGRAPH_BIN (default ../.venv/bin/attestgraph, relative to frontend/),
 *      CHROMIUM_PATH (default /usr/bin/chromium), E2E_READY_TIMEOUT (seconds, default 120),
 *      README_SCREENSHOT=1 to also write docs/screenshots/overview.png.
 * Extra arguments go to vitest (e.g. a file filter).
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(frontend, "..");
const artifacts = join(repoRoot, "test-artifacts");
const bin = resolve(frontend, process.env.ATTESTGRAPH_BIN ?? "../.venv/bin/attestgraph");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const readyTimeout = Number(process.env.E2E_READY_TIMEOUT ?? 120) * 1000;
const vitestArgs = process.argv.slice(2);

function fail(message) {
  console.error(`e2e: ${message}`);
  console.log("\ne2e: 0 passed, 1 failed");
  process.exit(1);
}

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function buildIfNeeded() {
  const built = join(frontend, "dist", "index.html");
  const inputs = [
    "src",
    "index.html",
    "graphiql.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
  ]
    .map((p) => join(frontend, p))
    .filter(existsSync);
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...inputs.map(newestMtime))) {
    console.log("e2e: dist/ is up to date");
    return;
  }
  console.log("e2e: building the dashboard (npm run build)");
  const result = spawnSync("npm", ["run", "build"], { cwd: frontend, stdio: "inherit" });
  if (result.status !== 0) fail("the build failed");
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitReady(url, child) {
  const deadline = Date.now() + readyTimeout;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return `the service exited with code ${child.exitCode} before it was ready`;
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return null;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  return `the service was not ready within ${readyTimeout / 1000}s`;
}

function stop(child) {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill("SIGTERM");
  });
}

async function main() {
  if (!existsSync(bin)) fail(`no service executable at ${bin} (set ATTESTGRAPH_BIN)`);
  if (!existsSync(chromium)) fail(`no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`);
  buildIfNeeded();
  mkdirSync(artifacts, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), "attestgraph-e2e-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The service writes straight to the log file (a pipe could fill up and stall it).
  const log = openSync(join(artifacts, "e2e-service.log"), "w");
  console.log(
    `e2e: starting ${bin} serve --demo on ${url} (data in ${dataDir}; log in test-artifacts/e2e-service.log)`,
  );
  // The service asks every API call for a credential: give it an admin key made for this run.
  const apiKey = `ag_${randomBytes(8).toString("hex")}_${randomBytes(32).toString("base64url")}`;
  const service = spawn(
    bin,
    ["serve", "--demo", "--data-dir", dataDir, "--port", String(port), "--host", "127.0.0.1"],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ATTESTGRAPH_FRONTEND_DIR: join(frontend, "dist"),
        ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY: apiKey,
        // The browser and the tests' direct API calls share one key, and a test walks pages faster
        // than a person: on a quiet machine the default 20/s per key refused a page's request (429).
        // The limit itself is tested over real HTTP in tests/service/test_hardening.py.
        ATTESTGRAPH_RATE_LIMIT: "200",
      },
      stdio: ["ignore", log, log],
    },
  );
  closeSync(log);
  const cleanUp = async () => {
    await stop(service);
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => void cleanUp().then(() => process.exit(130)));
  }

  const problem = await waitReady(url, service);
  if (problem) {
    await cleanUp();
    fail(`${problem}; see test-artifacts/e2e-service.log`);
  }
  const probe = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: "{ frameworks(first: 1) { totalCount } }" }),
  }).then(async (r) => [r.status, await r.text()]);
  if (probe[0] !== 200 || !probe[1].includes('"data"')) {
    await cleanUp();
    fail(`the service refused a first query (HTTP ${probe[0]}): ${probe[1].slice(0, 300)}`);
  }
  console.log("e2e: service ready; running the browser tests");
  const vitest = join(frontend, "node_modules", ".bin", "vitest");
  const tests = spawn(vitest, ["run", "--config", "vitest.e2e.config.ts", ...vitestArgs], {
    cwd: frontend,
    stdio: "inherit",
    env: { ...process.env, AG_BASE_URL: url, AG_API_KEY: apiKey, CHROMIUM_PATH: chromium },
  });
  const status = await new Promise((resolveRun) =>
    tests.once("exit", (code, signal) => resolveRun(code ?? (signal ? 1 : 0))),
  );
  const diedEarly = service.exitCode !== null || service.signalCode !== null;
  await cleanUp();
  if (diedEarly) {
    console.error("e2e: the service stopped during the run; see test-artifacts/e2e-service.log");
    console.log("\ne2e: 0 passed, 1 failed");
    process.exit(1);
  }
  process.exit(status);
}

main().catch((error) => fail(error?.stack ?? String(error)));
