// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { GraphQLRequestError } from "../../src/api/client";
import { setApiKey, clearApiKey } from "../../src/api/credentials";
import { fetchPackage, packageFileName } from "../../src/api/package";
import type { AuditException, EngagementDetail } from "../../src/api/types";
import { exceptionsCard } from "../../src/pages/engagement-exceptions";
import { samplesCard } from "../../src/pages/engagement-samples";
import type { PageContext } from "../../src/pages/page";
import { h } from "../../src/ui/dom";
import { showWriteError } from "../../src/ui/form-errors";
import { field } from "../../src/ui/widgets";

afterEach(() => {
  vi.unstubAllGlobals();
  clearApiKey();
  document.body.replaceChildren();
});

describe("a refused write on a form", () => {
  it("marks the field the API named, says why beside it and lists it by the API's name", () => {
    const foundAt = h("input", { type: "datetime-local", name: "foundAt", "data-field": "exception.foundAt" });
    const evidence = h("input", { name: "evidence", "data-field": "remediation.evidence" });
    const alert = h("div");
    const form = h("form", null, field("Found at", foundAt), field("Evidence ids", evidence), alert);
    document.body.append(form);
    const error = new GraphQLRequestError("record an exception of K1", [
      {
        message: "2 problems",
        extensions: {
          code: "BAD_USER_INPUT",
          fields: [
            { field: "exception.foundAt", reason: "must not be in the future" },
            { field: "remediation.evidence[1]", reason: "evidence 'ghost' does not exist" },
          ],
        },
      },
    ]);
    showWriteError(form, alert, error);
    expect(foundAt.getAttribute("aria-invalid")).toBe("true");
    const note = document.getElementById(foundAt.getAttribute("aria-describedby")!.split(" ").pop()!)!;
    expect(note.textContent).toBe("must not be in the future");
    expect(evidence.getAttribute("aria-invalid")).toBe("true");
    expect(alert.querySelector('[role="alert"]')!.textContent).toContain(
      "exception.foundAt: must not be in the future",
    );
    expect((alert.querySelector(".state-error") as HTMLElement).dataset.code).toBe("BAD_USER_INPUT");
    expect(document.activeElement).toBe(foundAt);

    // Another error without fields clears the marks and shows the error itself.
    showWriteError(
      form,
      alert,
      new GraphQLRequestError("record", [{ message: "no", extensions: { code: "FORBIDDEN" } }]),
    );
    expect(foundAt.hasAttribute("aria-invalid")).toBe(false);
    expect(foundAt.hasAttribute("aria-describedby")).toBe(false);
    expect(alert.querySelector(".error-code")!.textContent).toBe("FORBIDDEN");
  });
});

describe("the package download", () => {
  it("sends the caller's key and names the file as the service does", async () => {
    setApiKey("ag_0123456789abcdef_" + "A".repeat(43), false);
    const fetchMock = vi.fn(
      async (_url: string, _init?: RequestInit) =>
        new Response(new Uint8Array([0x50, 0x4b, 3, 4]), {
          status: 200,
          headers: {
            "content-type": "application/zip",
            "content-disposition": 'attachment; filename="e1-package.zip"',
          },
        }),
    );
    vi.stubGlobal("fetch", fetchMock);
    const { blob, fileName } = await fetchPackage("e1");
    expect(fileName).toBe("e1-package.zip");
    expect(blob.size).toBe(4);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe("api/engagements/e1/package");
    expect((init!.headers as Record<string, string>).authorization).toBe(
      `Bearer ag_0123456789abcdef_${"A".repeat(43)}`,
    );
  });

  it("reports a refusal with the service's code", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(JSON.stringify({ code: "FORBIDDEN", message: "role viewer may not" }), {
            status: 403,
            headers: { "content-type": "application/json" },
          }),
      ),
    );
    const error = (await fetchPackage("e1").catch((e: unknown) => e)) as GraphQLRequestError;
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toContain("role viewer may not");
  });

  it("falls back to a safe name", () => {
    expect(packageFileName(null, "soc2 / fy26")).toBe("soc2_fy26-package.zip");
    expect(packageFileName('attachment; filename="../x.zip"', "e1")).toBe("e1-package.zip");
  });
});

const ENGAGEMENT = {
  id: "e1",
  kind: "TYPE2",
  gaps: {
    inScope: {
      totalCount: 1,
      edges: [{ node: { controlId: "K1", frequency: "monthly", control: { title: "Approve" } } }],
    },
  },
} as unknown as EngagementDetail;

const EXCEPTION: AuditException = {
  id: "x1",
  engagement: "e1",
  control: "K1",
  evidence: "EV-1",
  description: "one sign-off",
  severity: "DEFICIENCY",
  foundAt: "2026-11-18T09:00:00Z",
  supersedes: null,
  supersededBy: null,
  recordedAt: "2026-11-18T10:00:00Z",
  recordedBy: "key:a (auditor)",
  current: {
    id: "r1",
    exception: "x1",
    owner: "Head of platform",
    due: "2026-11-25T00:00:00Z",
    plan: "Two approvers",
    status: "OPEN",
    closedAt: null,
    evidence: [],
    recordedAt: "2026-11-19T10:00:00Z",
    recordedBy: "key:e (editor)",
  },
  remediations: [],
};

function ctx(): PageContext {
  return {
    root: document.body,
    route: { page: "engagement", id: "e1", params: {} },
    signal: new AbortController().signal,
    setParams: vi.fn(),
    frameworks: async () => [],
    now: () => new Date("2026-12-01T00:00:00Z"),
  };
}

async function renderCard(access: { record: boolean; remediate: boolean }): Promise<HTMLElement> {
  const exceptions = { ...EXCEPTION, remediations: [EXCEPTION.current!] };
  vi.stubGlobal(
    "fetch",
    vi.fn(
      async () =>
        new Response(
          JSON.stringify({
            data: {
              auditExceptions: {
                totalCount: 1,
                pageInfo: { hasNextPage: false, endCursor: null },
                edges: [{ node: exceptions }],
              },
            },
          }),
          { status: 200, headers: { "content-type": "application/json" } },
        ),
    ),
  );
  const card = exceptionsCard(ctx(), ENGAGEMENT, [], { ...access, written: vi.fn() }).element;
  document.body.append(card);
  await vi.waitFor(() => expect(card.querySelector('[data-testid="exception-list"][data-loaded]')).not.toBeNull());
  return card;
}

describe("the exceptions section", () => {
  it("shows an exception's remediation with overdue marked, and no form to a reader", async () => {
    const card = await renderCard({ record: false, remediate: false });
    const entry = card.querySelector('[data-exception="x1"]') as HTMLElement;
    expect(entry.dataset.open).toBe("1");
    expect(entry.dataset.overdue).toBe("1");
    expect(entry.querySelector('[data-testid="current-remediation"]')!.textContent).toContain("Head of platform");
    expect(entry.querySelector('[data-testid="overdue"]')).not.toBeNull();
    expect(entry.querySelectorAll(".remediation-history li")).toHaveLength(1);
    expect(card.querySelector("form[data-testid='exception-form']")).toBeNull();
    expect(card.querySelector("form[data-testid='remediation-form']")).toBeNull();
  });

  it("offers the exception form to an auditor and the remediation form to an editor, each field labelled", async () => {
    const auditor = await renderCard({ record: true, remediate: false });
    const form = auditor.querySelector("form[data-testid='exception-form']") as HTMLFormElement;
    expect(form).not.toBeNull();
    expect(auditor.querySelector("form[data-testid='remediation-form']")).toBeNull();
    for (const el of form.querySelectorAll<HTMLElement>("[data-field]"))
      expect(form.querySelector(`label[for="${el.id}"]`), el.getAttribute("name")!).not.toBeNull();
    document.body.replaceChildren();
    const editor = await renderCard({ record: false, remediate: true });
    expect(editor.querySelector("form[data-testid='exception-form']")).toBeNull();
    const remediation = editor.querySelector("form[data-testid='remediation-form']") as HTMLFormElement;
    expect((remediation.querySelector('[name="owner"]') as HTMLInputElement).value).toBe("Head of platform");
  });

  it("checks the exception form before sending and names the fields", async () => {
    const card = await renderCard({ record: true, remediate: false });
    const form = card.querySelector("form[data-testid='exception-form']") as HTMLFormElement;
    const calls = (fetch as unknown as ReturnType<typeof vi.fn>).mock.calls.length;
    form.requestSubmit();
    expect(form.querySelector('[name="description"]')!.getAttribute("aria-invalid")).toBe("true");
    expect(form.querySelector('[data-testid="exception-message"]')!.textContent).toContain(
      "exception.description: is required",
    );
    expect((fetch as unknown as ReturnType<typeof vi.fn>).mock.calls.length).toBe(calls);
  });
});

describe("the samples section", () => {
  const recorded = {
    id: "s1",
    control: "K1",
    seed: "fieldwork",
    size: 1,
    populationSize: 3,
    drawnAt: "2026-11-20T10:00:00Z",
    drawnBy: "key:a (auditor)",
    redrawOf: null,
    reason: null,
    items: [
      {
        key: "EV-1",
        intervalStart: null,
        intervalEnd: null,
        collectedAt: "2026-06-20T11:55:00Z",
        evidence: { id: "EV-1", title: "June review", uri: "https://evidence.example/EV-1" },
      },
    ],
  };

  function stubPopulation(): ReturnType<typeof vi.fn> {
    const mock = vi.fn(
      async () =>
        new Response(JSON.stringify({ data: { p0: { totalCount: 3 } } }), {
          status: 200,
          headers: { "content-type": "application/json" },
        }),
    );
    vi.stubGlobal("fetch", mock);
    return mock;
  }

  it("shows each control's population and recorded sample, and no draw form to a reader", async () => {
    stubPopulation();
    const card = samplesCard(ctx(), ENGAGEMENT, { samples: [recorded], onChange: vi.fn() }, false);
    document.body.append(card);
    await vi.waitFor(() => expect(card.querySelector('[data-testid="sample-table"][data-loaded]')).not.toBeNull());
    const row = card.querySelector('tr[data-control="K1"]') as HTMLElement;
    expect(row.dataset.population).toBe("3");
    expect(row.dataset.sample).toBe("s1");
    expect(row.querySelector("a[data-evidence-link]")!.getAttribute("href")).toBe("https://evidence.example/EV-1");
    expect(row.textContent).toContain("collected 2026-06-20 11:55 UTC");
    expect(card.querySelector('[data-testid="draw-form"]')).toBeNull();
  });

  it("never redraws a recorded sample silently: another seed is refused on the redraw field, unsent", async () => {
    const mock = stubPopulation();
    const card = samplesCard(ctx(), ENGAGEMENT, { samples: [recorded], onChange: vi.fn() }, true);
    document.body.append(card);
    await vi.waitFor(() => expect(card.querySelector('[data-testid="sample-table"][data-loaded]')).not.toBeNull());
    const form = card.querySelector('[data-testid="draw-form"]') as HTMLFormElement;
    expect(form.querySelector('[data-testid="recorded-note"]')!.textContent).toContain("seed fieldwork");
    const redraw = form.querySelector('[name="redraw"]') as HTMLInputElement;
    expect(redraw.disabled).toBe(false);
    (form.querySelector('[name="seed"]') as HTMLInputElement).value = "another";
    const sent = mock.mock.calls.length;
    form.requestSubmit();
    expect(redraw.getAttribute("aria-invalid")).toBe("true");
    expect(form.querySelector('[data-testid="draw-message"]')!.textContent).toContain(
      "redraw: a sample with seed fieldwork",
    );
    expect(mock.mock.calls.length).toBe(sent);
    // Ticking redraw asks for the reason, still without sending.
    redraw.checked = true;
    redraw.dispatchEvent(new Event("change"));
    form.requestSubmit();
    expect(form.querySelector('[name="reason"]')!.getAttribute("aria-invalid")).toBe("true");
    expect(mock.mock.calls.length).toBe(sent);
  });
});
