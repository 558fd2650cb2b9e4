/** Set a control's owner (`#/owner/<control id>`): where every "no owner set" links. Editors and admins. */
import { fetchControlFields, setControlOwner, type ControlFields } from "../api/matrix";
import { checkOwner, ownerText } from "../shape/owner";
import { canRecordChanges, whoAmI } from "../session";
import { h, replace } from "../ui/dom";
import { showProblems, showWriteError, clearProblems } from "../ui/form-errors";
import { emptyState } from "../ui/states";
import { field, pageHeader } from "../ui/widgets";
import { load, type Page, type PageContext } from "./page";

export const ownerPage: Page = {
  title: "Control owner",
  render(ctx) {
    const id = ctx.route.id ?? "";
    const body = h("section", { class: "card", "data-testid": "owner-page" });
    ctx.root.append(
      pageHeader(
        `Owner of control ${id}`,
        "Who answers for the control: the worklist and the criteria matrix filter by it.",
      ),
      body,
    );
    void load(
      body,
      `control ${id}`,
      ctx.signal,
      () => Promise.all([fetchControlFields(id, { signal: ctx.signal }), whoAmI({ signal: ctx.signal })]),
      ([control, me]) => {
        body.dataset.loaded = "true";
        if (!control) return void body.append(emptyState(`There is no control ${id}.`));
        body.append(ownerForm(ctx, control, canRecordChanges(me)));
      },
    );
  },
};

function ownerForm(ctx: PageContext, initial: ControlFields, mayWrite: boolean): HTMLElement {
  let control = initial;
  const current = h("p", { "data-testid": "current-owner" });
  const showCurrent = (): void =>
    replace(current, h("strong", null, `${control.id} ${control.title}`), ": ", ownerText(control.owner));
  showCurrent();
  if (!mayWrite)
    return h(
      "div",
      null,
      current,
      h("p", { class: "muted" }, "Your role may not set owners; an editor or admin key can."),
    );
  const input = h("input", {
    type: "text",
    name: "owner",
    value: control.owner,
    "data-field": "controls.owner",
    autocomplete: "off",
  });
  const save = h("button", { type: "submit", class: "button" }, "Set owner");
  const alert = h("div", { "aria-live": "polite" });
  const done = h("p", { class: "good", "aria-live": "polite", "data-testid": "owner-saved" });
  const form = h(
    "form",
    { class: "toolbar", "aria-label": "Set the owner" },
    field("Owner", input, "A person or team; it replaces the current owner."),
    h("div", { class: "field field-button" }, save),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    replace(done);
    const checked = checkOwner(input.value);
    if (!checked.ok) return showProblems(form, alert, [{ field: checked.field, reason: checked.reason }]);
    clearProblems(form, alert);
    save.disabled = true;
    setControlOwner(control, checked.value, { signal: ctx.signal })
      .then(
        (saved) => {
          control = saved;
          showCurrent();
          replace(done, `Owner of ${saved.id} set to ${saved.owner}.`);
        },
        (error: unknown) => showWriteError(form, alert, error),
      )
      .finally(() => (save.disabled = false));
  });
  return h("div", null, current, form, alert, done);
}
