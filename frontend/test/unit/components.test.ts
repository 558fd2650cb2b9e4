// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { GraphQLRequestError, gql } from "../../src/api/client";
import { load } from "../../src/pages/page";
import { h } from "../../src/ui/dom";
import { emptyState, errorState, loadingState } from "../../src/ui/states";
import { countsList, coverageBar, field, scrollTable, statusBadge } from "../../src/ui/widgets";

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

describe("states", () => {
  it("loading is a polite, busy status", () => {
    const el = loadingState("coverage");
    expect(el.getAttribute("role")).toBe("status");
    expect(el.getAttribute("aria-busy")).toBe("true");
    expect(el.textContent).toContain("Loading coverage");
  });

  it("empty says why and what to do", () => {
    const el = emptyState("Nothing here.", "Load seeds.");
    expect(el.textContent).toBe("Nothing here.Load seeds.");
  });

  it("error says what failed, the server's message and its code", () => {
    const error = new GraphQLRequestError("load coverage for nope", [
      { message: "framework: Framework 'nope' does not exist", extensions: { code: "NOT_FOUND" } },
    ]);
    const retry = vi.fn();
    const el = errorState(error, retry);
    expect(el.getAttribute("role")).toBe("alert");
    expect(el.textContent).toContain("Could not load coverage for nope.");
    expect(el.querySelector(".error-message")!.textContent).toBe("framework: Framework 'nope' does not exist");
    expect(el.querySelector(".error-code")!.textContent).toBe("NOT_FOUND");
    expect(el.dataset.code).toBe("NOT_FOUND");
    el.querySelector("button")!.click();
    expect(retry).toHaveBeenCalledOnce();
  });

  it("error lists invalid fields", () => {
    const error = new GraphQLRequestError("record the change", [
      {
        message: "1 problem",
        extensions: { code: "INVALID_INPUT", fields: [{ field: "change.at", reason: "must be an ISO-8601 instant" }] },
      },
    ]);
    expect(errorState(error).textContent).toContain("change.at: must be an ISO-8601 instant");
  });
});

describe("widgets", () => {
  it("status badges carry their status", () => {
    const el = statusBadge("PARTIAL");
    expect(el.dataset.status).toBe("PARTIAL");
    expect(el.textContent).toBe("Partial");
  });

  it("coverage bars have a text equivalent and hide the drawing", () => {
    const el = coverageBar({ total: 61, covered: 50, partial: 7, uncovered: 4 }, "SOC 2");
    expect(el.querySelector(".coverage-bar")!.getAttribute("aria-hidden")).toBe("true");
    expect(el.querySelector(".visually-hidden")!.textContent).toBe(
      "SOC 2: 50 of 61 covered (82%), 7 partial, 4 uncovered",
    );
    expect((el.querySelector(".seg-covered") as HTMLElement).style.width).toMatch(/^81\.96/);
  });

  it("counts expose each number by key", () => {
    const el = countsList({ total: 61, covered: 50, partial: 7, uncovered: 4 }, "total");
    expect(el.querySelector('[data-count="uncovered"]')!.textContent).toBe("4");
    expect(el.querySelector('[data-count="total"]')!.textContent).toBe("61");
  });

  it("fields tie their label to the control and hint", () => {
    const input = h("input", { type: "date" });
    const el = field("As of", input, "UTC");
    document.body.append(el);
    const label = el.querySelector("label")!;
    expect(label.htmlFor).toBe(input.id);
    expect(input.getAttribute("aria-describedby")).toBe(`${input.id}-hint`);
    expect(document.getElementById(`${input.id}-hint`)!.textContent).toBe("UTC");
  });

  it("tables scroll in a focusable, named region and say what they hold", () => {
    const el = scrollTable("Rows", ["A", "B"], [h("tr", null, h("td", null, "1"), h("td", null, "2"))]);
    expect(el.getAttribute("tabindex")).toBe("0");
    expect(el.getAttribute("aria-label")).toBe("Rows");
    expect(el.querySelector("caption")!.textContent).toBe("Rows");
    expect([...el.querySelectorAll("th")].map((th) => th.getAttribute("scope"))).toEqual(["col", "col"]);
  });

  it("h() sets text as text, never as markup", () => {
    const el = h("p", null, "<img src=x onerror=alert(1)>");
    expect(el.children).toHaveLength(0);
    expect(el.textContent).toBe("<img src=x onerror=alert(1)>");
  });
});

function respond(body: unknown, status = 200): void {
  vi.stubGlobal(
    "fetch",
    vi.fn(
      async () =>
        new Response(typeof body === "string" ? body : JSON.stringify(body), {
          status,
          headers: { "content-type": "application/json" },
        }),
    ),
  );
}

describe("the GraphQL client", () => {
  it("returns data", async () => {
    respond({ data: { frameworks: { totalCount: 1 } } });
    await expect(gql("list", "{ frameworks { totalCount } }")).resolves.toEqual({ frameworks: { totalCount: 1 } });
    const call = (fetch as unknown as ReturnType<typeof vi.fn>).mock.calls[0]!;
    expect(call[1].method).toBe("POST");
    expect(JSON.parse(call[1].body)).toEqual({ query: "{ frameworks { totalCount } }", variables: {} });
  });

  it("turns GraphQL errors into a coded error naming what failed", async () => {
    respond({
      data: null,
      errors: [{ message: "framework: Framework 'nope' does not exist", extensions: { code: "NOT_FOUND" } }],
    });
    const error = await gql("load coverage for nope", "{ x }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect((error as GraphQLRequestError).code).toBe("NOT_FOUND");
    expect((error as Error).message).toBe(
      "Could not load coverage for nope: framework: Framework 'nope' does not exist [NOT_FOUND]",
    );
  });

  it("names HTTP failures and bodies that are not JSON", async () => {
    respond("<html>bad gateway</html>", 502);
    const error = (await gql("list", "{ x }").catch((e: unknown) => e)) as GraphQLRequestError;
    expect(error.code).toBe("HTTP_502");
    expect(error.errors[0]!.message).toContain("not JSON");
  });

  it("names network failures", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    const error = (await gql("list", "{ x }").catch((e: unknown) => e)) as GraphQLRequestError;
    expect(error.code).toBe("NETWORK");
    expect(error.message).toContain("Failed to fetch");
  });
});

describe("load()", () => {
  it("shows loading, then the result", async () => {
    const slot = h("div");
    let resolve!: (v: string) => void;
    const done = load(
      slot,
      "things",
      new AbortController().signal,
      () => new Promise<string>((r) => (resolve = r)),
      (v) => slot.append(v),
    );
    expect(slot.textContent).toContain("Loading things");
    resolve("ready");
    await done;
    expect(slot.textContent).toBe("ready");
    expect(slot.hasAttribute("aria-busy")).toBe(false);
  });

  it("shows the error with a retry that runs the task again", async () => {
    const slot = h("div");
    let calls = 0;
    const task = async () => {
      calls += 1;
      if (calls === 1)
        throw new GraphQLRequestError("load things", [{ message: "boom", extensions: { code: "INTERNAL" } }]);
      return "second time";
    };
    await load(slot, "things", new AbortController().signal, task, (v) => slot.append(v));
    expect(slot.querySelector('[role="alert"]')!.textContent).toContain("boom");
    slot.querySelector("button")!.click();
    await vi.waitFor(() => expect(slot.textContent).toBe("second time"));
  });

  it("drops answers that arrive after the page was left", async () => {
    const slot = h("div");
    const controller = new AbortController();
    const done = load(
      slot,
      "things",
      controller.signal,
      async () => "late",
      (v) => slot.append(v),
    );
    controller.abort();
    await done;
    expect(slot.textContent).toContain("Loading things");
  });
});

describe("load() races", () => {
  it("renders only the latest load into a slot, whatever order the answers come in", async () => {
    const slot = h("div");
    const signal = new AbortController().signal;
    let resolveFirst!: (v: string) => void;
    const first = load(
      slot,
      "things",
      signal,
      () => new Promise<string>((r) => (resolveFirst = r)),
      (v) => slot.append(v),
    );
    const second = load(
      slot,
      "things",
      signal,
      async () => "second",
      (v) => slot.append(v),
    );
    await second;
    resolveFirst("first");
    await first;
    expect(slot.textContent).toBe("second");
  });
});

describe("credentials", () => {
  afterEach(() => {
    sessionStorage.clear();
    localStorage.clear();
  });

  it("sends the stored key as a bearer token, and a key being checked instead of it", async () => {
    const { setApiKey } = await import("../../src/api/credentials");
    respond({ data: { me: { actor: "x", roles: ["VIEWER"] } } });
    setApiKey("ag_stored", false);
    await gql("check", "{ me { actor } }");
    await gql("check", "{ me { actor } }", {}, { apiKey: "ag_candidate" });
    const calls = (fetch as unknown as ReturnType<typeof vi.fn>).mock.calls;
    expect(calls[0]![1].headers.authorization).toBe("Bearer ag_stored");
    expect(calls[1]![1].headers.authorization).toBe("Bearer ag_candidate");
    expect(sessionStorage.getItem("attestgraph.apiKey")).toBe("ag_stored");
    expect(localStorage.getItem("attestgraph.apiKey")).toBeNull();
  });

  it("remembers on this device only when asked, and forgets everywhere", async () => {
    const { clearApiKey, getApiKey, setApiKey } = await import("../../src/api/credentials");
    setApiKey("ag_remembered", true);
    expect(localStorage.getItem("attestgraph.apiKey")).toBe("ag_remembered");
    expect(getApiKey()).toBe("ag_remembered");
    clearApiKey();
    expect(getApiKey()).toBeNull();
  });

  it("recognises API keys and OIDC tokens", async () => {
    const { looksLikeCredential } = await import("../../src/api/credentials");
    expect(looksLikeCredential(`ag_${"0123456789abcdef"}_${"a".repeat(43)}`)).toBe(true);
    expect(looksLikeCredential("eyJhbGciOi.eyJzdWIiOi.sig")).toBe(true);
    expect(looksLikeCredential("not a key")).toBe(false);
    expect(looksLikeCredential("ag_short_x")).toBe(false);
  });

  it("reads the gate's 401 body, names its code and tells the shell", async () => {
    const { UNAUTHENTICATED_EVENT } = await import("../../src/api/client");
    respond(
      { code: "UNAUTHENTICATED", message: "a credential is required: Authorization: Bearer <API key or token>" },
      401,
    );
    const heard = vi.fn();
    window.addEventListener(UNAUTHENTICATED_EVENT, heard);
    const error = (await gql("load coverage", "{ x }").catch((e: unknown) => e)) as GraphQLRequestError;
    window.removeEventListener(UNAUTHENTICATED_EVENT, heard);
    expect(error.code).toBe("UNAUTHENTICATED");
    expect(error.errors[0]!.message).toContain("a credential is required");
    expect(heard).toHaveBeenCalledOnce();
  });

  it("waits out a short Retry-After once, then succeeds", async () => {
    const answers = [
      new Response(JSON.stringify({ code: "RATE_LIMITED", message: "too many requests; slow down" }), {
        status: 429,
        headers: { "retry-after": "1" },
      }),
      new Response(JSON.stringify({ data: { ok: true } }), { status: 200 }),
    ];
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => answers.shift()!),
    );
    vi.useFakeTimers();
    const pending = gql("list", "{ ok }");
    await vi.advanceTimersByTimeAsync(1000);
    vi.useRealTimers();
    await expect(pending).resolves.toEqual({ ok: true });
  });

  it("reports RATE_LIMITED when the wait is long", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(JSON.stringify({ code: "RATE_LIMITED", message: "too many requests; slow down" }), {
            status: 429,
            headers: { "retry-after": "60" },
          }),
      ),
    );
    const error = (await gql("list", "{ ok }").catch((e: unknown) => e)) as GraphQLRequestError;
    expect(error.code).toBe("RATE_LIMITED");
  });
});
