/** Links the audit sections share. */
import { isWebLink } from "../shape/audit";
import { h } from "./dom";

/** An evidence id, linking to its file when the item's `uri` is a web address. */
export function evidenceLink(id: string, uri: string | null | undefined): HTMLElement {
  return isWebLink(uri)
    ? h("a", { href: uri, rel: "noopener noreferrer", target: "_blank", "data-evidence-link": id }, h("code", null, id))
    : h("code", { title: uri ?? undefined }, id);
}
