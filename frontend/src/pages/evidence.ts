/** An evidence item's page: its file (URI, content hash), scope, who recorded and reviewed it, what supersedes it. */
import { fetchEvidencePage, type EvidencePage } from "../api/entities";
import { isWebLink } from "../shape/audit";
import { formatDate, formatDateTime } from "../shape/dates";
import { reviewState } from "../shape/entities";
import { evidenceWindow } from "../shape/evidence";
import { h, replace } from "../ui/dom";
import { facts, plural } from "../ui/facts";
import { assetLink, controlLink, evidenceLink } from "../ui/links";
import { emptyState } from "../ui/states";
import { breadcrumbs, pageHeader, scrollTable, sectionCard, tag } from "../ui/widgets";
import { load, type Page } from "./page";

export const evidencePage: Page = {
  title: "Evidence",
  render(ctx) {
    const id = ctx.route.id;
    if (!id) {
      ctx.root.append(
        pageHeader("Evidence"),
        emptyState("No evidence item chosen.", "Follow an evidence id from any page."),
      );
      return;
    }
    const header = pageHeader(id);
    const body = h("div", { class: "entity-body", "data-testid": "evidence-page" });
    ctx.root.append(breadcrumbs("Evidence", id), header, body);
    void load(
      body,
      `evidence ${id}`,
      ctx.signal,
      () => fetchEvidencePage(id, { signal: ctx.signal }),
      (ev) => {
        if (!ev) return void body.append(emptyState(`There is no evidence item ${id}.`, "Check the id."));
        replace(header.querySelector("h1")!, `${ev.title} `, h("span", { class: "title-rest" }, ev.id));
        document.title = `${ev.title} · Attestgraph`;
        body.append(summary(ev), scope(ev), reviews(ev), supersession(ev));
        body.dataset.loaded = "true";
      },
    );
  },
};

function summary(ev: EvidencePage): HTMLElement {
  const win = ev.control ? evidenceWindow(ev.collectedAt, ev.validUntil, ev.control.frequency) : null;
  const time = (iso: string | null): HTMLElement | string =>
    iso ? h("time", { datetime: iso }, formatDateTime(iso)) : "—";
  return h(
    "section",
    { class: "card", "aria-label": "Summary" },
    facts("Evidence facts", [
      ["Control", ev.control ? [controlLink(ev.control.id), ` ${ev.control.title}`] : "—"],
      ["Kind", ev.kind || "—"],
      [
        "Status",
        h(
          "span",
          { "data-testid": "evidence-status" },
          tag(reviewState(ev).label, ev.status === "ACCEPTED" ? "good" : ev.status === "REJECTED" ? "bad" : "neutral"),
        ),
      ],
      ["Collected", time(ev.collectedAt)],
      [
        "Valid until",
        win
          ? [
              time(win.end),
              win.computed
                ? h(
                    "span",
                    { class: "muted small" },
                    ` (from its control's ${ev.control!.frequency.toLowerCase()} frequency)`,
                  )
                : null,
            ]
          : time(ev.validUntil),
      ],
      ev.periodStart && ev.periodEnd ? ["Observed", [time(ev.periodStart), " → ", time(ev.periodEnd)]] : null,
      [
        "URI",
        h(
          "span",
          { "data-testid": "evidence-uri" },
          isWebLink(ev.uri)
            ? h("a", { href: ev.uri, rel: "noopener noreferrer", target: "_blank" }, ev.uri)
            : h("code", null, ev.uri || "—"),
        ),
      ],
      [
        "SHA-256",
        ev.sha256
          ? h("code", { class: "hash", "data-testid": "sha256" }, ev.sha256)
          : h("span", { class: "muted" }, "not recorded"),
      ],
      ["Recorded", [ev.recordedBy ?? "—", ev.recordedAt ? [", ", time(ev.recordedAt)] : null]],
    ]),
  );
}

function scope(ev: EvidencePage): HTMLElement {
  const controlAssets = ev.control?.assets.edges.map((e) => e.node) ?? [];
  const list = ev.covers.length ? ev.covers : controlAssets;
  return sectionCard(
    "ev-scope-h",
    ev.covers.length ? `Covers (${plural(ev.covers.length, "asset")})` : "Covers every asset of its control",
    "evidence-scope",
    list.length
      ? h(
          "ul",
          { class: "chips" },
          list.map((a) =>
            h(
              "li",
              { "data-asset": a.id },
              assetLink(a.id, a.name),
              h("span", { class: "muted small" }, ` ${a.kind.toLowerCase()}`),
            ),
          ),
        )
      : h("p", { class: "muted" }, "Its control applies to no asset."),
    !ev.covers.length && ev.control && ev.control.assets.totalCount > controlAssets.length
      ? h("p", { class: "muted small" }, `Showing ${controlAssets.length} of ${ev.control.assets.totalCount}.`)
      : null,
  );
}

function reviews(ev: EvidencePage): HTMLElement {
  return sectionCard(
    "ev-reviews-h",
    `Reviews (${ev.reviews.length})`,
    "evidence-reviews",
    ev.reviews.length
      ? scrollTable(
          `Reviews of ${ev.id}, oldest first (the latest sets its status)`,
          ["Decision", "Reviewer", "At", "Note"],
          ev.reviews.map((r) =>
            h(
              "tr",
              { "data-decision": r.decision },
              h("th", { scope: "row" }, r.decision.toLowerCase()),
              h("td", null, r.reviewer),
              h("td", null, h("time", { datetime: r.at }, formatDateTime(r.at))),
              h("td", null, r.note || "—"),
            ),
          ),
        )
      : emptyState(
          ev.status === "PENDING"
            ? "Not reviewed yet: it counts for nothing until accepted."
            : `No review on record: it was recorded as ${ev.status.toLowerCase()} (an automated control's evidence, or loaded from a bundle).`,
        ),
  );
}

function supersession(ev: EvidencePage): HTMLElement {
  const item = (
    label: string,
    other: { id: string; title: string; collectedAt: string } | null,
    testid: string,
  ): HTMLElement =>
    h(
      "p",
      { "data-testid": testid },
      `${label}: `,
      other
        ? [evidenceLink(other.id), ` ${other.title}, collected ${formatDate(other.collectedAt)}`]
        : h("span", { class: "muted" }, "none"),
    );
  return sectionCard(
    "ev-supersede-h",
    "Corrections",
    "evidence-corrections",
    item("Superseded by", ev.supersededBy, "superseded-by"),
    ev.supersededBy ? h("p", { class: "bad small" }, "Superseded: it stays visible and counts for nothing.") : null,
    item("Supersedes", ev.supersedes, "supersedes"),
  );
}
