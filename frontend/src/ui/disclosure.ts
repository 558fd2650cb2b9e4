/** A button that shows and hides a region (collapsed by default); printing shows it regardless. */
import { h, type Child } from "./dom";

export function disclosure(label: string, testid: string, ...content: Child[]): HTMLElement {
  const body = h("div", { class: "collapsible-body", hidden: true, "data-testid": `${testid}-body` }, ...content);
  const button = h(
    "button",
    {
      type: "button",
      class: "button button-secondary disclosure-button",
      "aria-expanded": "false",
      "data-testid": testid,
    },
    h("span", { class: "disclosure-mark", "aria-hidden": "true" }, "▸"),
    ` ${label}`,
  );
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    body.hidden = !open;
  });
  return h("div", { class: "collapsible" }, button, body);
}
