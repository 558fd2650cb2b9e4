/** The engagement page's "Download the package" (auditors and admins): the ZIP, saved through an object URL. */
import { fetchPackage } from "../api/package";
import type { EngagementDetail } from "../api/types";
import { h, replace } from "../ui/dom";
import { errorState } from "../ui/states";
import { downloadBlob, sectionCard } from "../ui/widgets";
import type { PageContext } from "./page";

export function packageCard(ctx: PageContext, e: EngagementDetail): HTMLElement {
  const button = h(
    "button",
    { type: "button", class: "button", "data-testid": "download-package" },
    "Download the package",
  );
  const out = h("div", { "aria-live": "polite", "data-testid": "package-message" });
  button.addEventListener("click", () => {
    button.disabled = true;
    replace(out, h("p", { class: "muted", role: "status" }, "Preparing the package…"));
    fetchPackage(e.id, { signal: ctx.signal }).then(
      ({ blob, fileName }) => {
        button.disabled = false;
        downloadBlob(fileName, blob);
        replace(
          out,
          h("p", { class: "good", role: "status" }, `Saved ${fileName} (${Math.ceil(blob.size / 1024)} KiB).`),
        );
      },
      (error: unknown) => {
        button.disabled = false;
        replace(out, errorState(error));
      },
    );
  });
  return sectionCard(
    "package-h",
    "The auditor's package",
    "engagement-package",
    h(
      "p",
      { class: "muted" },
      "A ZIP of the scoped coverage matrix, the Type II gaps, populations and samples, exceptions and remediation, the crosswalk, the OSCAL documents and a manifest with the SHA-256 of every file.",
    ),
    h("div", { class: "toolbar" }, button),
    out,
  );
}
