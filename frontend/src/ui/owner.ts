/** An owner in a page: the name, or "no owner set" with a link to where it is set. */
import { NO_OWNER, ownerEditHash } from "../shape/owner";
import { h } from "./dom";

export function ownerCell(control: { id: string; owner?: string | null }): HTMLElement {
  const name = control.owner?.trim();
  if (name) return h("span", { class: "owner" }, name);
  return h(
    "span",
    { class: "owner owner-none", "data-testid": "no-owner" },
    h("em", null, NO_OWNER),
    " (",
    h("a", { href: ownerEditHash(control.id), title: `Set the owner of ${control.id} (editors and admins)` }, "set it"),
    ")",
  );
}
