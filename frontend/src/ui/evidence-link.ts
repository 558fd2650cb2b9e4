/** Links the audit sections share. */
import { isWebLink } from "../shape/audit";
import { h } from "./dom";
import { idLink } from "./links";

/** An evidence id linking to its page, followed by a link to its file when the item's `uri` is a web address. */
export function evidenceLink(id: string, uri: string | null | undefined): HTMLElement {
  return h(
    "span",
    { class: "evidence-ref" },
    idLink("evidence", id),
    isWebLink(uri)
      ? [
          " ",
          h(
            "a",
            { href: uri, rel: "noopener noreferrer", target: "_blank", "data-evidence-link": id, class: "small" },
            "file",
            h("span", { class: "visually-hidden" }, ` of ${id}`),
          ),
        ]
      : null,
  );
}
