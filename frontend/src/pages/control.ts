/** A control's page: what it satisfies, where it applies, its evidence timeline, its gaps over a period, its open exceptions. */
import {
  CONTROL_EVIDENCE_PAGE,
  fetchControlExceptions,
  fetchControlPage,
  fetchControlPeriod,
  type ControlEngagement,
  type ControlPage,
  type ControlPageEvidence,
} from "../api/entities";
import { buildHash } from "../router";
import { REPORT_STATE_LABEL, reportName, reportState } from "../shape/carveout";
import { defaultPeriod, formatDate, periodRange } from "../shape/dates";
import { byFramework, gapRuns, periodChoices, reviewState } from "../shape/entities";
import { VALIDITY_LABEL, evidenceWindow, evidenceValidity, sortEvidenceNewestFirst } from "../shape/evidence";
import { append, h, replace } from "../ui/dom";
import { facts, plural } from "../ui/facts";
import { assetLink, criterionLink, evidenceLink, vendorLink } from "../ui/links";
import { emptyState } from "../ui/states";
import { breadcrumbs, field, pageHeader, scrollTable, sectionCard, select, tag } from "../ui/widgets";
import { load, type Page, type PageContext } from "./page";

const lower = (s: string): string => s.toLowerCase().replace(/_/g, " ");

export const controlPage: Page = {
  title: "Control",
  render(ctx) {
    const id = ctx.route.id;
    if (!id) {
      ctx.root.append(pageHeader("Control"), emptyState("No control chosen.", "Follow a control's id from any page."));
      return;
    }
    const header = pageHeader(id);
    const body = h("div", { class: "entity-body", "data-testid": "control-page" });
    ctx.root.append(breadcrumbs("Controls", id), header, body);
    void load(
      body,
      `control ${id}`,
      ctx.signal,
      () => fetchControlPage(id, { signal: ctx.signal }),
      ({ control, engagements }) => {
        if (!control) return void body.append(emptyState(`There is no control ${id}.`, "Check the id."));
        replace(header.querySelector("h1")!, `${control.title} `, h("span", { class: "title-rest" }, control.id));
        document.title = `${control.title} · Attestgraph`;
        const now = ctx.now();
        append(body, [
          summary(control),
          satisfies(control),
          scope(control, now),
          timeline(control, now),
          control.status === "IMPLEMENTED" ? gaps(control, engagements, ctx) : null,
          exceptionsSlot(control, ctx),
        ]);
        body.dataset.loaded = "true";
      },
    );
  },
};

function summary(c: ControlPage): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-label": "Summary" },
    c.description ? h("p", { class: "description" }, c.description) : null,
    facts("Control facts", [
      ["Status", tag(lower(c.status), c.status === "IMPLEMENTED" || c.status === "CARVED_OUT" ? "good" : "neutral")],
      ["Owner", c.owner || h("span", { class: "muted" }, "no owner set")],
      ["Domain", c.domain || "—"],
      ["Operates", `${lower(c.frequency)} · ${lower(c.kind)}${c.automated ? " · automated" : ""}`],
      c.expectedEvidence.length ? ["Expected evidence", c.expectedEvidence.join("; ")] : null,
    ]),
  );
}

function satisfies(c: ControlPage): HTMLElement {
  const groups = byFramework(c.criteria);
  return sectionCard(
    "ctl-satisfies-h",
    `Satisfies (${plural(c.criteria.length, "criterion", "criteria")} in ${plural(groups.length, "framework")})`,
    "satisfies",
    groups.length
      ? h(
          "ul",
          { class: "framework-groups" },
          groups.map((g) =>
            h(
              "li",
              { "data-framework-name": g.framework },
              h("strong", null, `${g.framework}: `),
              g.criteria.flatMap((cr, i) => [i ? ", " : "", criterionLink(cr.id, cr.ref)]),
            ),
          ),
        )
      : emptyState("It satisfies no criterion yet."),
  );
}

function scope(c: ControlPage, now: Date): HTMLElement {
  const assets = c.assets.edges.map((e) => e.node);
  return sectionCard(
    "ctl-scope-h",
    `Applies to (${plural(c.assets.totalCount, "asset")})`,
    "applies-to",
    assets.length
      ? h(
          "ul",
          { class: "chips" },
          assets.map((a) =>
            h(
              "li",
              { "data-asset": a.id },
              assetLink(a.id, a.name),
              h("span", { class: "muted small" }, ` ${lower(a.kind)}`),
            ),
          ),
        )
      : h("p", { class: "muted" }, "Applies to no asset: one valid evidence item makes it effective."),
    c.assets.totalCount > assets.length
      ? h("p", { class: "muted small" }, `Showing ${assets.length} of ${c.assets.totalCount}.`)
      : null,
    c.vendors.length
      ? [
          h("h3", null, c.status === "CARVED_OUT" ? "Carved out to" : "Relies on"),
          h(
            "ul",
            { class: "chips" },
            c.vendors.map((v) => {
              const state = reportState(v, now);
              return h(
                "li",
                { "data-vendor": v.id, "data-report": state },
                vendorLink(v.id, v.name),
                ` · ${reportName(v.reportKind)} `,
                tag(REPORT_STATE_LABEL[state], state === "VALID" ? "good" : "bad"),
              );
            }),
          ),
        ]
      : null,
  );
}

function timeline(c: ControlPage, now: Date): HTMLElement {
  const items = sortEvidenceNewestFirst(c.evidence.edges.map((e) => e.node));
  const row = (ev: ControlPageEvidence): HTMLTableRowElement => {
    const win = evidenceWindow(ev.collectedAt, ev.validUntil, c.frequency);
    const validity = ev.supersededBy ? null : evidenceValidity(ev, c.frequency, now);
    const review = reviewState(ev);
    return h(
      "tr",
      { "data-evidence": ev.id, "data-status": ev.status, "data-validity": validity ?? "SUPERSEDED" },
      h("th", { scope: "row" }, evidenceLink(ev.id), h("div", { class: "small" }, ev.title)),
      h("td", null, h("time", { datetime: ev.collectedAt }, formatDate(ev.collectedAt))),
      h("td", null, h("time", { datetime: win.end }, formatDate(win.end))),
      h(
        "td",
        { "data-review": review.label },
        review.label,
        review.by ? h("div", { class: "muted small" }, `by ${review.by}, ${formatDate(review.at)}`) : null,
      ),
      h(
        "td",
        null,
        validity
          ? tag(VALIDITY_LABEL[validity], validity === "VALID" ? "good" : "bad")
          : ["superseded by ", evidenceLink(ev.supersededBy!.id)],
      ),
      h(
        "td",
        null,
        ev.covers.length ? ev.covers.flatMap((a, i) => [i ? ", " : "", assetLink(a.id)]) : "all its assets",
      ),
    );
  };
  return sectionCard(
    "ctl-evidence-h",
    `Evidence timeline (${plural(c.evidence.totalCount, "item")})`,
    "evidence-timeline",
    items.length
      ? scrollTable(
          `Evidence of ${c.id}, newest first`,
          ["Evidence", "Collected", "Valid until", "Review", `Now (${formatDate(now.toISOString())})`, "Covers"],
          items.map(row),
        )
      : emptyState(
          c.status === "CARVED_OUT"
            ? "Carved out: the subservice organization's report stands in; no evidence of its own is expected."
            : "No evidence was ever recorded for this control.",
        ),
    c.evidence.totalCount > items.length
      ? h("p", { class: "muted small" }, `Showing the first ${CONTROL_EVIDENCE_PAGE} of ${c.evidence.totalCount}.`)
      : null,
  );
}

function gaps(c: ControlPage, engagements: ControlEngagement[], ctx: PageContext): HTMLElement {
  const last = defaultPeriod(ctx.now());
  const range = periodRange(last.start, last.end);
  const choices = periodChoices(engagements, range);
  const chosen = choices.find((p) => p.value === ctx.route.params.period) ?? choices[0]!;
  const picker = select("period", choices, chosen.value);
  const slot = h("div", { "data-testid": "control-gaps" });
  const section = sectionCard("ctl-gaps-h", "Gaps over the period", "gaps", field("Period", picker), slot);
  const show = (): void => {
    const p = choices.find((x) => x.value === picker.value) ?? chosen;
    ctx.setParams({ period: p.value === choices[0]!.value ? null : p.value });
    slot.removeAttribute("data-loaded");
    void load(
      slot,
      `the gaps of ${c.id}`,
      ctx.signal,
      () => fetchControlPeriod(c.id, p.start, p.end, { signal: ctx.signal }),
      (period) => {
        if (!period) return void slot.append(emptyState("It expects no evidence of its own over a period."));
        const runs = gapRuns(period.intervals);
        append(slot, [
          h(
            "p",
            null,
            h("strong", { "data-testid": "gap-count", "data-gaps": period.gaps }, plural(period.gaps, "gap")),
            ` in ${plural(period.intervals.length, `${lower(period.frequency)} interval`)} from `,
            h("time", { datetime: p.start }, formatDate(p.start)),
            " to ",
            h("time", { datetime: p.end }, formatDate(p.end)),
            " (end exclusive).",
          ),
          runs.length
            ? h(
                "ul",
                { class: "gap-runs" },
                runs
                  .slice(0, 12)
                  .map((r) =>
                    h(
                      "li",
                      { "data-gap-start": r.start },
                      h("time", { datetime: r.start }, formatDate(r.start)),
                      " → ",
                      h("time", { datetime: r.end }, formatDate(r.end)),
                      r.count > 1 ? h("span", { class: "muted" }, ` (${r.count} intervals)`) : null,
                    ),
                  ),
                runs.length > 12 ? h("li", { class: "muted" }, `and ${runs.length - 12} more`) : null,
              )
            : null,
        ]);
        slot.dataset.loaded = "true";
      },
    );
  };
  picker.addEventListener("change", show);
  show();
  return section;
}

/** Open audit exceptions on the control: the section appears only when there are some. */
function exceptionsSlot(c: ControlPage, ctx: PageContext): HTMLElement {
  const slot = h("div", { "data-testid": "control-exceptions" });
  void load(
    slot,
    `the open exceptions of ${c.id}`,
    ctx.signal,
    () => fetchControlExceptions(c.id, { signal: ctx.signal }),
    (found) => {
      slot.dataset.loaded = "true";
      slot.dataset.count = String(found.length);
      if (!found.length) return;
      slot.append(
        sectionCard(
          "ctl-exceptions-h",
          `Open audit exceptions (${found.length})`,
          "open-exceptions",
          scrollTable(
            `Open audit exceptions on ${c.id}`,
            ["Exception", "Engagement", "Severity", "Found", "Evidence", "Remediation"],
            found.map((x) =>
              h(
                "tr",
                { "data-exception": x.id },
                h("th", { scope: "row" }, h("code", null, x.id), h("div", { class: "small" }, x.description)),
                h("td", null, idLinkEngagement(x.engagement)),
                h("td", null, lower(x.severity)),
                h("td", null, formatDate(x.foundAt)),
                h("td", null, x.evidence ? evidenceLink(x.evidence) : "—"),
                h(
                  "td",
                  null,
                  x.current
                    ? `${lower(x.current.status)}, ${x.current.owner}, due ${formatDate(x.current.due)}`
                    : "none yet",
                ),
              ),
            ),
          ),
        ),
      );
    },
  );
  return slot;
}

const idLinkEngagement = (id: string): HTMLElement => h("a", { href: buildHash("engagement", id) }, id);
