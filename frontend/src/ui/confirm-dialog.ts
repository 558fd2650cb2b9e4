/**
 * A modal question before a write that cannot be undone (a <dialog> shown with showModal, so focus
 * stays inside it and Escape cancels). Resolves true only when the confirm button is pressed.
 */
import { h, uid, type Child } from "./dom";

export interface ConfirmOptions {
  title: string;
  body: Child[];
  confirm: string;
  cancel?: string;
  testid?: string;
}

export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  const titleId = uid("dlg-title");
  const bodyId = uid("dlg-body");
  const cancel = h(
    "button",
    { type: "button", class: "button button-secondary", value: "cancel" },
    options.cancel ?? "Cancel",
  );
  const confirm = h("button", { type: "button", class: "button button-danger", value: "confirm" }, options.confirm);
  const dialog = h(
    "dialog",
    {
      class: "confirm-dialog",
      "aria-labelledby": titleId,
      "aria-describedby": bodyId,
      "data-testid": options.testid ?? "confirm-dialog",
    },
    h("h2", { id: titleId }, options.title),
    h("div", { id: bodyId, class: "confirm-body" }, options.body),
    h("div", { class: "confirm-actions" }, cancel, confirm),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    let answer = false;
    cancel.addEventListener("click", () => dialog.close());
    confirm.addEventListener("click", () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer);
    });
    dialog.showModal();
    // The safe choice has the focus: Enter on an unread dialog records nothing.
    cancel.focus();
  });
}
