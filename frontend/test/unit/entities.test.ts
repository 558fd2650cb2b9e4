// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { parseHash } from "../../src/router";
import { byFramework, gapRuns, periodChoices, reviewState } from "../../src/shape/entities";
import { evidenceLink as auditEvidenceLink } from "../../src/ui/evidence-link";
import { idHref, idLink, idLinks } from "../../src/ui/links";
import { worklistRows } from "../../src/ui/worklist";
import type { MissingEvidenceRow } from "../../src/api/types";

describe("id links", () => {
  it("send each kind of id to its own page, ids with colons and spaces intact", () => {
    expect(parseHash(idHref("control", "AGC-01"))).toEqual({ page: "control", id: "AGC-01", params: {} });
    expect(parseHash(idHref("vendor", "v/odd id"))).toEqual({ page: "vendor", id: "v/odd id", params: {} });
    expect(parseHash(idHref("evidence", "ev-1"))).toEqual({ page: "evidence", id: "ev-1", params: {} });
    expect(parseHash(idHref("criterion", "nist-ai-rmf-1.0:GOVERN 1.1")).id).toBe("nist-ai-rmf-1.0:GOVERN 1.1");
    // The asset page is the assets explorer with the asset chosen.
    expect(parseHash(idHref("asset", "mdl-chat"))).toEqual({ page: "assets", id: null, params: { asset: "mdl-chat" } });
  });

  it("show the id as code unless given a label, and mark kind and id for the walk", () => {
    const a = idLink("control", "AGC-01");
    expect(a.querySelector("code")!.textContent).toBe("AGC-01");
    expect([a.dataset.idLink, a.dataset.id]).toEqual(["control", "AGC-01"]);
    expect(idLink("asset", "m", "Model").textContent).toBe("Model");
    const p = document.createElement("p");
    p.append(...(idLinks("vendor", ["a", "b"]) as (Node | string)[]));
    expect(p.textContent).toBe("a, b");
    expect(idLinks("vendor", [])).toEqual(["none"]);
  });

  it("an audit section's evidence id opens its page, with its file beside it only when it is a web link", () => {
    const withFile = auditEvidenceLink("EV-1", "https://evidence.example/EV-1");
    expect(withFile.querySelector("a[data-id-link=evidence]")!.getAttribute("href")).toBe("#/evidence/EV-1");
    expect(withFile.querySelector("a[data-evidence-link]")!.getAttribute("href")).toBe("https://evidence.example/EV-1");
    expect(auditEvidenceLink("EV-2", "s3://bucket/x").querySelector("a[data-evidence-link]")).toBeNull();
  });

  it("the worklist links its control, asset and vendor cells and keeps their text", () => {
    const row = {
      controlId: "K1",
      control: { title: "T", owner: "o" },
      assetId: "m",
      asset: { name: "M" },
      vendorId: null,
      vendor: null,
      reason: "NEVER_COLLECTED",
      since: null,
    } as unknown as MissingEvidenceRow;
    const [tr] = worklistRows([row], "2026-06-01T00:00:00Z");
    const links = [...tr!.querySelectorAll("a[data-id-link]")].map((a) => [
      a.getAttribute("data-id-link"),
      a.textContent,
    ]);
    expect(links).toEqual([
      ["control", "K1"],
      ["asset", "m"],
    ]);
    expect(tr!.cells[0]!.textContent).toBe("K1");
  });
});

describe("entity page shapes", () => {
  const fw = (id: string, name: string) => ({ id, name });

  it("groups criteria by framework name, each in the framework's own order (CC1.2 before CC1.10)", () => {
    const groups = byFramework([
      { id: "s:CC1.10", ref: "CC1.10", framework: fw("s", "SOC 2") },
      { id: "i:A.5", ref: "A.5", framework: fw("i", "ISO 27001") },
      { id: "s:CC1.2", ref: "CC1.2", framework: fw("s", "SOC 2") },
    ]);
    expect(groups.map((g) => [g.framework, g.criteria.map((c) => c.ref)])).toEqual([
      ["ISO 27001", ["A.5"]],
      ["SOC 2", ["CC1.2", "CC1.10"]],
    ]);
  });

  it("says an item's review state from its status and its latest review", () => {
    expect(reviewState({ status: "PENDING", reviews: [] })).toEqual({ label: "pending review", by: null, at: null });
    const reviews = [
      { decision: "REJECTED", reviewer: "a", at: "2026-01-01T00:00:00Z" },
      { decision: "ACCEPTED", reviewer: "b", at: "2026-01-02T00:00:00Z" },
    ];
    expect(reviewState({ status: "ACCEPTED", reviews })).toEqual({
      label: "accepted",
      by: "b",
      at: "2026-01-02T00:00:00Z",
    });
  });

  it("merges touching gap intervals into runs", () => {
    const i = (d: number, isGap: boolean) => ({
      start: `2026-01-0${d}T00:00:00Z`,
      end: `2026-01-0${d + 1}T00:00:00Z`,
      isGap,
    });
    expect(gapRuns([i(1, true), i(2, true), i(3, false), i(4, true)])).toEqual([
      { start: "2026-01-01T00:00:00Z", end: "2026-01-03T00:00:00Z", count: 2 },
      { start: "2026-01-04T00:00:00Z", end: "2026-01-05T00:00:00Z", count: 1 },
    ]);
    expect(gapRuns([i(1, false)])).toEqual([]);
  });

  it("offers the Type II engagements' periods, latest first, then the last 12 months", () => {
    const e = (id: string, kind: string, end: string | null) => ({
      id,
      name: id,
      kind,
      periodStart: end ? "2025-01-01T00:00:00Z" : null,
      periodEnd: end,
    });
    const last = { start: "2025-06-01T00:00:00Z", end: "2026-06-01T00:00:00Z" };
    const choices = periodChoices(
      [e("old", "TYPE2", "2025-06-01T00:00:00Z"), e("t1", "TYPE1", null), e("new", "TYPE2", "2026-01-01T00:00:00Z")],
      last,
    );
    expect(choices.map((c) => c.value)).toEqual(["new", "old", "last12"]);
    expect(choices.at(-1)).toMatchObject(last);
  });
});
