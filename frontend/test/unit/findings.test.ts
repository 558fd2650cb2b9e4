// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { FINDING_COLUMNS, FINDINGS_PAGE, findingRow, showFindings } from "../../src/pages/asset-findings";
import type { AssetFinding } from "../../src/api/types";
import { cveText, openFindingsText, severityTone } from "../../src/shape/findings";

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

const finding = (n: number, extra: Partial<AssetFinding> = {}): AssetFinding => ({
  id: `fnd-${n}`,
  severity: "CRITICAL",
  plugin: "243045",
  name: `Redis use-after-free ${n}`,
  port: 6379,
  protocol: "tcp",
  cves: ["CVE-2025-49844"],
  cvss3: 9.9,
  firstSeen: "2026-11-12T02:10:00Z",
  lastSeen: "2026-11-19T02:10:00Z",
  status: "OPEN",
  fixedAt: null,
  ...extra,
});

const page = (findings: AssetFinding[], hasNextPage: boolean, endCursor: string | null, totalCount: number) => ({
  data: {
    asset: {
      id: "inf-vector-db",
      name: "Vector database",
      findings: { totalCount, pageInfo: { hasNextPage, endCursor }, edges: findings.map((node) => ({ node })) },
    },
  },
});

describe("findings in words", () => {
  it("counts the open ones most severe first, leaving zeros out", () => {
    const counts = [
      { severity: "CRITICAL" as const, count: 1 },
      { severity: "HIGH" as const, count: 2 },
      { severity: "MEDIUM" as const, count: 0 },
      { severity: "LOW" as const, count: 1 },
      { severity: "INFO" as const, count: 0 },
    ];
    expect(openFindingsText(counts)).toBe("1 critical, 2 high, 1 low open");
    expect(openFindingsText(counts.map((c) => ({ ...c, count: 0 })))).toBe("No open findings");
  });

  it("tones critical and high as bad, medium as a warning, the rest neutral", () => {
    expect(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"].map((s) => severityTone(s as never))).toEqual([
      "bad",
      "bad",
      "warn",
      "neutral",
      "neutral",
    ]);
  });

  it("shows the first CVEs and how many more", () => {
    expect(cveText([])).toBe("—");
    expect(cveText(["CVE-2021-44228", "CVE-2021-45046", "CVE-2021-45105", "CVE-2021-44832"])).toBe(
      "CVE-2021-44228, CVE-2021-45046, CVE-2021-45105 +1 more",
    );
  });
});

describe("a finding row", () => {
  it("shows severity, plugin, name with port and CVSS, CVEs, first and last seen, and status", () => {
    const cells = [...findingRow(finding(1)).cells].map((c) => c.textContent);
    expect(cells).toHaveLength(FINDING_COLUMNS.length);
    expect(cells).toEqual([
      "critical",
      "243045",
      "Redis use-after-free 1 6379/tcp · CVSS 9.9",
      "CVE-2025-49844",
      "2026-11-12",
      "2026-11-19",
      "open",
    ]);
  });

  it("says when a fixed finding was fixed, and leaves out what the scanner did not give", () => {
    const row = findingRow(
      finding(2, { status: "FIXED", fixedAt: "2026-11-20T02:10:00Z", port: 0, cvss3: null, cves: [], severity: "LOW" }),
    );
    expect(row.dataset.status).toBe("FIXED");
    expect([...row.cells].map((c) => c.textContent)).toEqual([
      "low",
      "243045",
      "Redis use-after-free 2",
      "—",
      "2026-11-12",
      "2026-11-19",
      "fixed 2026-11-20",
    ]);
  });
});

describe("the asset's findings", () => {
  it("loads a page, then appends the next one with More", async () => {
    const requests: Record<string, unknown>[] = [];
    const answers = [
      page([finding(1), finding(2)], true, "c2", 3),
      page([finding(3, { severity: "MEDIUM" })], false, "c3", 3),
    ];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit) => {
        requests.push(JSON.parse(String(init.body)).variables);
        return new Response(JSON.stringify(answers.shift()), { status: 200 });
      }),
    );
    const slot = document.createElement("div");
    document.body.append(slot);
    showFindings(slot, "inf-vector-db", new AbortController().signal);
    await vi.waitFor(() => expect(slot.dataset.loaded).toBe("true"));
    expect(requests[0]).toEqual({ asset: "inf-vector-db", first: FINDINGS_PAGE, after: null });
    expect(slot.querySelector("h2")?.textContent).toBe("Findings on Vector database");
    expect(slot.querySelectorAll("tbody tr")).toHaveLength(2);
    const more = slot.querySelector<HTMLButtonElement>('[data-testid="more-findings"]')!;
    expect(more.hidden).toBe(false);
    more.click();
    await vi.waitFor(() => expect(slot.querySelectorAll("tbody tr")).toHaveLength(3));
    expect(requests[1]).toEqual({ asset: "inf-vector-db", first: FINDINGS_PAGE, after: "c2" });
    expect(more.hidden).toBe(true);
    expect(slot.querySelector('[role="status"]')?.textContent).toBe("Showing 3 of 3.");
  });

  it("says so when no scan reported anything", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify(page([], false, null, 0)), { status: 200 })),
    );
    const slot = document.createElement("div");
    showFindings(slot, "inf-vector-db", new AbortController().signal);
    await vi.waitFor(() => expect(slot.dataset.loaded).toBe("true"));
    expect(slot.textContent).toContain("No scan has reported a finding on this asset.");
    expect(slot.querySelector("table")).toBeNull();
  });
});

describe("the asset's findings, counted", () => {
  it("tells the page how many there are once shown", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify(page([finding(1)], false, "c1", 1)), { status: 200 })),
    );
    const heard: number[] = [];
    const slot = document.createElement("div");
    showFindings(slot, "inf-vector-db", new AbortController().signal, (total) => heard.push(total));
    await vi.waitFor(() => expect(heard).toEqual([1]));
    expect(slot.querySelectorAll("tbody tr")).toHaveLength(1);
  });
});
