// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { HISTORY_COLUMNS, HISTORY_PAGE, changeRow, showHistory } from "../../src/pages/asset-history";
import type { AssetChange } from "../../src/api/types";
import { worklistRows } from "../../src/ui/worklist";

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

const change = (n: number, extra: Partial<AssetChange> = {}): AssetChange => ({
  id: `chg-${n}`,
  at: `2026-11-${String(20 - n).padStart(2, "0")}T10:00:00Z`,
  kind: "RETRAIN",
  note: `retrain ${n}`,
  propagatedFrom: null,
  recordedAt: "2026-11-21T08:00:00Z",
  recordedBy: "key:abc (alice)",
  ...extra,
});

const page = (changes: AssetChange[], hasNextPage: boolean, endCursor: string | null, totalCount: number) => ({
  data: {
    asset: {
      id: "mdl-a",
      name: "Model A",
      changedAt: "2026-11-19T10:00:00Z",
      changes: { totalCount, pageInfo: { hasNextPage, endCursor }, edges: changes.map((node) => ({ node })) },
    },
  },
});

describe("a change row", () => {
  it("shows kind, note, who and when, and links the asset it was propagated from", () => {
    const tr = changeRow(change(1, { kind: "CONFIG", propagatedFrom: "ds-train" }));
    const cells = [...tr.cells].map((c) => c.textContent);
    expect(cells).toHaveLength(HISTORY_COLUMNS.length);
    expect(cells).toEqual([
      "2026-11-19 10:00 UTC",
      "configuration",
      "retrain 1",
      "ds-train",
      "key:abc (alice)",
      "2026-11-21 08:00 UTC",
    ]);
    expect(tr.querySelector("a")!.getAttribute("href")).toBe("#/assets?asset=ds-train");
    expect(tr.querySelector("th")!.getAttribute("scope")).toBe("row");
  });

  it("says a dash where a change has no note, origin or recorder", () => {
    const tr = changeRow(change(2, { note: null, recordedBy: null, recordedAt: null }));
    expect([...tr.cells].map((c) => c.textContent).slice(2)).toEqual(["—", "—", "—", "—"]);
    expect(tr.querySelector("a")).toBeNull();
  });
});

describe("the change history", () => {
  it("shows changedAt and the first page, then appends the next page on 'More' using the cursor", async () => {
    const first = Array.from({ length: HISTORY_PAGE }, (_, i) => change(i));
    const answers = [page(first, true, "c1", HISTORY_PAGE + 1), page([change(HISTORY_PAGE)], false, "c2", 11)];
    const bodies: { variables: Record<string, unknown> }[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit) => {
        bodies.push(JSON.parse(String(init.body)) as { variables: Record<string, unknown> });
        return new Response(JSON.stringify(answers.shift()), { headers: { "content-type": "application/json" } });
      }),
    );
    const slot = document.createElement("div");
    document.body.append(slot);
    showHistory(slot, "mdl-a", new AbortController().signal);
    await vi.waitFor(() => expect(slot.dataset.loaded).toBe("true"));
    expect(slot.querySelector('[data-testid="changed-at"]')!.textContent).toContain("2026-11-19 10:00 UTC");
    expect(slot.querySelectorAll("tbody tr")).toHaveLength(HISTORY_PAGE);
    const more = slot.querySelector<HTMLButtonElement>('[data-testid="more-changes"]')!;
    expect(more.hidden).toBe(false);
    more.click();
    await vi.waitFor(() => expect(slot.querySelectorAll("tbody tr")).toHaveLength(HISTORY_PAGE + 1));
    expect(bodies[1]!.variables).toMatchObject({ asset: "mdl-a", after: "c1", first: HISTORY_PAGE });
    expect(more.hidden).toBe(true);
    expect(slot.textContent).toContain(`Showing ${HISTORY_PAGE + 1} of 11.`);
  });

  it("says so when nothing was recorded, and when the asset does not exist", async () => {
    const answers = [page([], false, null, 0), { data: { asset: null } }];
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () => new Response(JSON.stringify(answers.shift()), { headers: { "content-type": "application/json" } }),
      ),
    );
    const slot = document.createElement("div");
    showHistory(slot, "mdl-a", new AbortController().signal);
    await vi.waitFor(() => expect(slot.textContent).toContain("No change of this asset is recorded."));
    expect(slot.querySelector("table")).toBeNull();
    const missing = document.createElement("div");
    showHistory(missing, "nope", new AbortController().signal);
    await vi.waitFor(() => expect(missing.textContent).toContain("There is no asset nope."));
  });
});

describe("the worklist's rows", () => {
  it("render one row per item, control as the row header, the days right-aligned", () => {
    const [tr] = worklistRows(
      [
        {
          controlId: "AGC-INF-05",
          control: { title: "Backups", owner: "ops" },
          assetId: "db-1",
          asset: { name: "DB" },
          vendorId: null,
          vendor: null,
          reason: "EXPIRED",
          since: "2026-11-01T00:00:00Z",
          findingId: null,
          findingAgeDays: null,
        },
      ],
      "2026-11-11T00:00:00Z",
    );
    expect(tr!.dataset.control).toBe("AGC-INF-05");
    expect(tr!.querySelector("th")!.textContent).toBe("AGC-INF-05");
    expect(tr!.cells[tr!.cells.length - 1]!.className).toBe("num");
    expect(tr!.cells[tr!.cells.length - 1]!.textContent).toBe("10");
  });
});
