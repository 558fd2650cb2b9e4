/** A vendor's page: its report and validity, the assets it provides, the controls relying on it, and what its report lapsing would cost. */
import { fetchVendorLapse, fetchVendorPage, type VendorLapse, type VendorPage } from "../api/entities";
import { REPORT_STATE_LABEL, reportName, reportState } from "../shape/carveout";
import { compareRefs } from "../shape/coverage";
import { daysBetween, formatDate, formatDateTime } from "../shape/dates";
import { h, replace } from "../ui/dom";
import { facts, plural } from "../ui/facts";
import { assetLink, controlLink, criterionLink } from "../ui/links";
import { emptyState } from "../ui/states";
import { breadcrumbs, pageHeader, scrollTable, sectionCard, statusBadge, tag } from "../ui/widgets";
import { load, type Page, type PageContext } from "./page";

export const vendorPage: Page = {
  title: "Vendor",
  render(ctx) {
    const id = ctx.route.id;
    if (!id) {
      ctx.root.append(pageHeader("Vendor"), emptyState("No vendor chosen.", "Follow a vendor's id from any page."));
      return;
    }
    const header = pageHeader(id);
    const body = h("div", { class: "entity-body", "data-testid": "vendor-page" });
    ctx.root.append(breadcrumbs("Vendors", id), header, body);
    void load(
      body,
      `vendor ${id}`,
      ctx.signal,
      () => fetchVendorPage(id, { signal: ctx.signal }),
      (vendor) => {
        if (!vendor) return void body.append(emptyState(`There is no vendor ${id}.`, "Check the id."));
        replace(header.querySelector("h1")!, `${vendor.name} `, h("span", { class: "title-rest" }, vendor.id));
        document.title = `${vendor.name} · Attestgraph`;
        body.append(summary(vendor, ctx.now()), provides(vendor), reliedOn(vendor), lapse(vendor, ctx));
        body.dataset.loaded = "true";
      },
    );
  },
};

function summary(v: VendorPage, now: Date): HTMLElement {
  const state = reportState(v, now);
  const left = v.reportValidUntil ? daysBetween(now, v.reportValidUntil) : null;
  return h(
    "section",
    { class: "card", "aria-label": "Summary" },
    facts("Vendor facts", [
      ["Service", v.service || "—"],
      ["Risk tier", v.riskTier || "—"],
      ["Report", reportName(v.reportKind)],
      [
        "Valid until",
        h(
          "span",
          { "data-testid": "report-state", "data-report": state },
          v.reportValidUntil
            ? [h("time", { datetime: v.reportValidUntil }, formatDateTime(v.reportValidUntil)), " "]
            : null,
          tag(REPORT_STATE_LABEL[state], state === "VALID" ? "good" : "bad"),
          left !== null && left >= 0 ? h("span", { class: "muted" }, ` (${plural(left, "day")} left)`) : null,
        ),
      ],
    ]),
  );
}

function provides(v: VendorPage): HTMLElement {
  return sectionCard(
    "vendor-assets-h",
    `Provides (${plural(v.assets.length, "asset")})`,
    "provides",
    v.assets.length
      ? h(
          "ul",
          { class: "chips" },
          v.assets.map((a) =>
            h(
              "li",
              { "data-asset": a.id },
              assetLink(a.id, a.name),
              h("span", { class: "muted small" }, ` ${a.kind.toLowerCase()}`),
            ),
          ),
        )
      : emptyState("No asset is provided by this vendor."),
  );
}

function reliedOn(v: VendorPage): HTMLElement {
  const controls = [...v.controls].sort((a, b) => compareRefs(a.id, b.id));
  const carved = controls.filter((c) => c.status === "CARVED_OUT");
  const others = controls.filter((c) => c.status !== "CARVED_OUT");
  return sectionCard(
    "vendor-controls-h",
    `Carved-out controls relying on it (${carved.length})`,
    "relying-controls",
    carved.length
      ? scrollTable(
          "Carved-out controls relying on this vendor",
          ["Control", "Criteria it satisfies"],
          carved.map((c) =>
            h(
              "tr",
              { "data-control": c.id },
              h("th", { scope: "row" }, controlLink(c.id), h("div", { class: "small" }, c.title)),
              h(
                "td",
                null,
                c.criteria.length
                  ? [...c.criteria]
                      .sort((a, b) => compareRefs(a.id, b.id))
                      .flatMap((cr, i) => [
                        i ? ", " : "",
                        criterionLink(cr.id, `${cr.ref} (${cr.framework?.name ?? ""})`),
                      ])
                  : "none",
              ),
            ),
          ),
        )
      : emptyState("No carved-out control relies on this vendor: its report stands in for nothing."),
    others.length
      ? h(
          "p",
          { class: "muted small" },
          "Also relied on by controls that carry their own evidence: ",
          others.flatMap((c, i) => [i ? ", " : "", controlLink(c.id)]),
          ".",
        )
      : null,
  );
}

/** The API's what-if: the vendor's report supposed to end now, per framework, before → after. */
function lapse(v: VendorPage, ctx: PageContext): HTMLElement {
  const slot = h("div", { "data-testid": "lapse" });
  const section = sectionCard("vendor-lapse-h", "If its report lapsed now", "lapse-card", slot);
  void load(
    slot,
    `what ${v.id}'s report lapsing would cost`,
    ctx.signal,
    () => fetchVendorLapse(v.id, null, { signal: ctx.signal }),
    (report) => {
      renderLapse(slot, v, report, ctx.now());
      slot.dataset.loaded = "true";
    },
  );
  return section;
}

function renderLapse(slot: HTMLElement, v: VendorPage, report: VendorLapse, now: Date): void {
  const flips = report.frameworks.reduce((n, f) => n + f.changes.length, 0);
  slot.dataset.flips = String(flips);
  if (reportState(v, now) !== "VALID") {
    slot.append(
      h(
        "p",
        null,
        "Its report no longer stands in (",
        reportName(v.reportKind),
        ` ${REPORT_STATE_LABEL[reportState(v, now)]}): the coverage today already counts it lapsed.`,
      ),
    );
  }
  slot.append(
    h(
      "p",
      { "data-testid": "lapse-summary" },
      flips
        ? `${plural(flips, "criterion", "criteria")} would flip in ${plural(report.frameworks.filter((f) => f.changes.length).length, "framework")}, `
        : "No criterion would change status, ",
      `as of ${formatDate(report.at)}; ${plural(report.controlIds.length, "carved-out control")} would stop being effective`,
      report.controlIds.length ? [": ", ...report.controlIds.flatMap((c, i) => [i ? ", " : "", controlLink(c)])] : null,
      ".",
    ),
  );
  for (const f of report.frameworks.filter((x) => x.changes.length)) {
    slot.append(
      h(
        "div",
        { class: "lapse-framework", "data-framework": f.frameworkId },
        h(
          "h3",
          null,
          `${f.framework?.name ?? f.frameworkId}: ${plural(f.changes.length, "criterion", "criteria")} flip; covered ${f.before.covered} → ${f.after.covered} of ${f.after.total}`,
        ),
        scrollTable(
          `Criteria of ${f.framework?.name ?? f.frameworkId} that flip`,
          ["Criterion", "Now", "After the lapse"],
          [...f.changes]
            .sort((a, b) => compareRefs(a.criterion?.ref ?? a.criterionId, b.criterion?.ref ?? b.criterionId))
            .map((c) =>
              h(
                "tr",
                { "data-criterion": c.criterionId, "data-before": c.before, "data-after": c.after },
                h(
                  "th",
                  { scope: "row" },
                  criterionLink(c.criterionId, c.criterion?.ref ?? c.criterionId),
                  h("div", { class: "small" }, c.criterion?.title ?? ""),
                ),
                h("td", null, statusBadge(c.before)),
                h("td", null, statusBadge(c.after)),
              ),
            ),
        ),
      ),
    );
  }
}
