/**
 * Refusals shown on a form: a control carries the API's field name in `data-field`
 * (`exception.foundAt`); a problem for that field (an index like `[1]` ignored) marks it invalid
 * with the reason beside it, and every problem is listed, field first, in the form's alert.
 */
import { GraphQLRequestError } from "../api/client";
import type { FieldProblem } from "../shape/audit";
import { h, replace } from "./dom";
import { errorState } from "./states";

const baseField = (field: string): string => field.replace(/\[\d+\]/g, "");
const CONTROLS = "input[data-field], select[data-field], textarea[data-field]";

export function clearProblems(form: HTMLElement, alert: HTMLElement): void {
  for (const el of form.querySelectorAll<HTMLElement>(CONTROLS)) {
    el.removeAttribute("aria-invalid");
    const note = form.querySelector(`#${el.id}-error`);
    if (note) {
      note.remove();
      const described = (el.getAttribute("aria-describedby") ?? "").split(" ").filter((i) => i && i !== note.id);
      if (described.length) el.setAttribute("aria-describedby", described.join(" "));
      else el.removeAttribute("aria-describedby");
    }
  }
  replace(alert);
}

/** Mark the fields named and list every problem; focus the first invalid control. */
export function showProblems(form: HTMLElement, alert: HTMLElement, problems: readonly FieldProblem[]): void {
  clearProblems(form, alert);
  let first: HTMLElement | null = null;
  for (const p of problems) {
    const el = [...form.querySelectorAll<HTMLElement>(CONTROLS)].find((c) => c.dataset.field === baseField(p.field));
    if (!el) continue;
    el.setAttribute("aria-invalid", "true");
    let note = form.querySelector<HTMLElement>(`#${el.id}-error`);
    if (!note) {
      note = h("span", { class: "field-error bad", id: `${el.id}-error` });
      el.after(note);
      el.setAttribute("aria-describedby", `${el.getAttribute("aria-describedby") ?? ""} ${note.id}`.trim());
    }
    note.textContent = note.textContent ? `${note.textContent}; ${p.reason}` : p.reason;
    first ??= el;
  }
  replace(
    alert,
    h(
      "div",
      { class: "state state-error", role: "alert" },
      h("p", { class: "error-what" }, h("strong", null, "Not recorded:")),
      h(
        "ul",
        { class: "error-list" },
        problems.map((p) => h("li", { "data-field": p.field }, `${p.field}: ${p.reason}`)),
      ),
    ),
  );
  first?.focus();
}

/** A failed write: its field problems on the form when the API named fields, else the error as it came. */
export function showWriteError(form: HTMLElement, alert: HTMLElement, error: unknown): void {
  const fields = error instanceof GraphQLRequestError ? error.errors.flatMap((e) => e.extensions?.fields ?? []) : [];
  if (fields.length) {
    showProblems(form, alert, fields);
    const box = alert.querySelector<HTMLElement>(".state-error");
    if (box && error instanceof GraphQLRequestError) box.dataset.code = error.code;
    return;
  }
  clearProblems(form, alert);
  replace(alert, errorState(error));
}
