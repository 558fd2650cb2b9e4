/** The API-key form the shell shows when the service answers 401. */
import { isAbort } from "../api/client";
import { looksLikeCredential } from "../api/credentials";
import { fetchMe, type Me } from "../api/queries";
import { h, replace } from "./dom";
import { errorState } from "./states";
import { field } from "./widgets";

export function signInPanel(onSignedIn: (key: string, me: Me, remember: boolean) => void, reason: string): HTMLElement {
  const input = h("input", {
    type: "password",
    name: "apiKey",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    placeholder: "ag_…",
  });
  const remember = h("input", { type: "checkbox", name: "remember", id: "remember-key" });
  const message = h("div", { "aria-live": "polite", "data-testid": "sign-in-message" });
  const button = h("button", { type: "submit", class: "button" }, "Sign in");
  const form = h(
    "form",
    { class: "card sign-in", "aria-labelledby": "sign-in-h", "data-testid": "sign-in" },
    h("h1", { id: "sign-in-h", tabindex: "-1" }, "Sign in"),
    h("p", null, reason),
    h(
      "p",
      { class: "muted small" },
      "Paste an API key (",
      h("code", null, "attestgraph keys create --role viewer --name <you>"),
      ", or the admin key ",
      h("code", null, "attestgraph serve --demo"),
      " printed). It is sent as ",
      h("code", null, "Authorization: Bearer"),
      " with every request and kept for this tab only, unless you tick the box.",
    ),
    field("API key", input),
    h("div", { class: "field field-check" }, remember, h("label", { for: "remember-key" }, "Remember on this device")),
    h("div", { class: "toolbar" }, button),
    message,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!looksLikeCredential(key)) {
      replace(
        message,
        h(
          "p",
          { class: "bad", role: "alert" },
          "That does not look like an API key: it reads ag_<16 hex digits>_<43 characters>.",
        ),
      );
      input.focus();
      return;
    }
    button.disabled = true;
    replace(message, h("p", { class: "muted", role: "status" }, "Checking the key…"));
    fetchMe({ apiKey: key }).then(
      (me) => onSignedIn(key, me, remember.checked),
      (error: unknown) => {
        button.disabled = false;
        if (!isAbort(error)) replace(message, errorState(error));
        input.focus();
      },
    );
  });
  return form;
}
