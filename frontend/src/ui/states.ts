/** Loading, empty and error states: every page uses these, so they look and read the same. */
import { GraphQLRequestError, describeError } from "../api/client";
import { h } from "./dom";

export function loadingState(what: string): HTMLElement {
  return h(
    "div",
    { class: "state state-loading", role: "status", "aria-live": "polite", "aria-busy": "true" },
    h("span", { class: "spinner", "aria-hidden": "true" }),
    `Loading ${what}…`,
  );
}

export function emptyState(message: string, hint?: string): HTMLElement {
  return h(
    "div",
    { class: "state state-empty", role: "status" },
    h("p", null, message),
    hint ? h("p", { class: "hint" }, hint) : null,
  );
}

/** Says what failed, the server's message(s) and each `extensions.code`. */
export function errorState(error: unknown, retry?: () => void): HTMLElement {
  const box = h("div", { class: "state state-error", role: "alert" });
  if (error instanceof GraphQLRequestError) {
    box.append(
      h("p", { class: "error-what" }, h("strong", null, `Could not ${error.what}.`)),
      h(
        "ul",
        { class: "error-list" },
        error.errors.map((e) =>
          h(
            "li",
            { "data-code": e.extensions?.code ?? "" },
            h("span", { class: "error-message" }, e.message),
            e.extensions?.code ? [" ", h("code", { class: "error-code" }, e.extensions.code)] : null,
            e.extensions?.fields?.length
              ? h(
                  "span",
                  { class: "error-fields" },
                  ` (${e.extensions.fields.map((f) => `${f.field}: ${f.reason}`).join(", ")})`,
                )
              : null,
          ),
        ),
      ),
    );
    box.dataset.code = error.code;
    box.title = error.errors.map(describeError).join("; ");
  } else {
    box.append(
      h("p", { class: "error-what" }, h("strong", null, "Something went wrong.")),
      h("p", null, (error as Error)?.message ?? String(error)),
    );
  }
  if (retry) box.append(h("button", { type: "button", class: "button", onclick: () => retry() }, "Try again"));
  return box;
}
