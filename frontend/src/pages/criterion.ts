/** 2. Criterion drill-down: controls, their assets and evidence windows, why the status, mappings. */
import { fetchCriterionPage } from "../api/queries";
import type { ControlDetail, ControlFinding, ControlVendor, CriterionCoverage, CriterionDetail } from "../api/types";
import { criterionHash } from "../router";
import { REPORT_STATE_LABEL, reportName, reportState } from "../shape/carveout";
import { compareRefs } from "../shape/coverage";
import { RELATIONSHIP_SYMBOL, refOf } from "../shape/crosswalk";
import { relationshipSentence, strengthTitle, strengthWord } from "../shape/words";
import { asOfFromDateInput, formatDate, formatDateTime, isDateInputValue, toDateInputValue } from "../shape/dates";
import {
  VALIDITY_LABEL,
  evidenceValidity,
  evidenceWindow,
  frequencyDays,
  sortEvidenceNewestFirst,
} from "../shape/evidence";
import { observedLabel, observedSpan } from "../shape/observation";
import { ownerCell } from "../ui/owner";
import { h, replace } from "../ui/dom";
import { emptyState } from "../ui/states";
import { assetLink, controlLink, evidenceLink, vendorLink } from "../ui/links";
import { breadcrumbs, carvedOutFlag, field, pageHeader, scrollTable, statusBadge, tag } from "../ui/widgets";
import { load, type Page, type PageContext } from "./page";

export const criterionPage: Page = {
  title: "Criterion",
  render(ctx) {
    const id = ctx.route.id;
    if (!id) {
      ctx.root.append(
        pageHeader("Criterion"),
        emptyState("No criterion chosen.", "Pick one from the overview's list or the crosswalk."),
      );
      return;
    }
    const today = toDateInputValue(ctx.now());
    const dateInput = h("input", {
      type: "date",
      name: "asOf",
      value: isDateInputValue(ctx.route.params.asOf) ? ctx.route.params.asOf : today,
    });
    const form = h("form", { class: "toolbar", "aria-label": "Status date" }, field("As of (UTC day)", dateInput));
    form.addEventListener("submit", (e) => e.preventDefault());
    const header = pageHeader(refOf(id));
    const body = h("div", { class: "criterion-body" });
    ctx.root.append(breadcrumbs(null, id), header, form, body);

    const refresh = (): void => {
      const day = dateInput.value;
      ctx.setParams({ asOf: day && day !== toDateInputValue(ctx.now()) ? day : null });
      const asOf = asOfFromDateInput(day, ctx.now());
      const framework = id.includes(":") ? id.slice(0, id.indexOf(":")) : id;
      void load(
        body,
        `criterion ${id}`,
        ctx.signal,
        () => fetchCriterionPage(id, framework, asOf, { signal: ctx.signal }),
        ({ criterion, coverage }) => {
          if (!criterion) {
            body.append(emptyState(`There is no criterion ${id}.`, "Check the id, or go back to the overview."));
            return;
          }
          const row = coverage.criteria.find((c) => c.criterionId === criterion.id) ?? null;
          const title = header.querySelector("h1")!;
          replace(title, `${criterion.ref} `, h("span", { class: "title-rest" }, criterion.title));
          document.title = `${criterion.ref} ${criterion.title} · Attestgraph`;
          const at = new Date(coverage.asOf);
          body.append(
            summary(criterion, row, coverage.asOf),
            why(row, ctx),
            controls(criterion, row, at),
            mappings(criterion, ctx),
          );
          body.dataset.loaded = "true";
        },
      );
    };
    dateInput.addEventListener("change", refresh);
    refresh();
  },
};

function summary(c: CriterionDetail, row: CriterionCoverage | null, asOf: string): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-label": "Summary" },
    h(
      "p",
      { class: "criterion-status" },
      row ? statusBadge(row.status) : tag("no status"),
      row?.carvedOut ? [" ", carvedOutFlag()] : null,
      " ",
      h(
        "span",
        { class: "muted" },
        `${c.framework?.name ?? "Unknown framework"} · ${c.category || "no category"} · as of `,
      ),
      h("time", { datetime: asOf }, formatDateTime(asOf)),
    ),
    c.description ? h("p", { class: "description" }, c.description) : null,
    c.parent || c.children.length
      ? h(
          "p",
          { class: "hierarchy" },
          c.parent
            ? ["Part of ", h("a", { href: criterionHash(c.parent.id) }, `${c.parent.ref} ${c.parent.title}`), ". "]
            : null,
          c.children.length
            ? [
                "Sub-criteria: ",
                ...c.children.flatMap((ch, i) => [i ? ", " : "", h("a", { href: criterionHash(ch.id) }, ch.ref)]),
              ]
            : null,
        )
      : null,
  );
}

function why(row: CriterionCoverage | null, ctx: PageContext): HTMLElement {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "why-h", "data-testid": "why" },
    h("h2", { id: "why-h" }, "Why this status"),
  );
  if (!row) {
    section.append(emptyState("The coverage report has no row for this criterion."));
    return section;
  }
  section.append(
    h("p", { "data-testid": "reason" }, row.reason),
    h(
      "p",
      { class: "muted" },
      row.derived
        ? "Derived through the crosswalk: this criterion has no control of its own."
        : row.assessable
          ? "Direct: from the controls that satisfy it."
          : "Not assessable on its own: summarised from the assessable criteria below it.",
    ),
  );
  if (row.via.length) {
    const rows = row.via.map((v) =>
      h(
        "tr",
        { "data-via": v.criterionId },
        h(
          "th",
          { scope: "row" },
          h(
            "a",
            { href: criterionHash(v.criterionId, ctx.route.params.asOf) },
            v.criterion?.ref ?? refOf(v.criterionId),
          ),
        ),
        h("td", null, v.criterion?.framework?.name ?? ""),
        h("td", null, relationshipSentence(v.criterion?.ref ?? refOf(v.criterionId), v.relationship, row.ref)),
        h("td", null, statusBadge(v.neighbourStatus)),
        h("td", null, statusBadge(v.candidate)),
      ),
    );
    section.append(
      scrollTable(
        "Crosswalk candidates (the best one wins)",
        ["Criterion", "Framework", "Relationship", "Its status", "Candidate"],
        rows,
      ),
    );
  }
  return section;
}

function controls(c: CriterionDetail, row: CriterionCoverage | null, at: Date): HTMLElement {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "controls-h" },
    h("h2", { id: "controls-h" }, `Controls (${c.controls.length})`),
  );
  if (c.controls.length === 0) {
    section.append(
      emptyState(
        "No control satisfies this criterion.",
        row?.derived ? "Its status comes through the crosswalk (above)." : undefined,
      ),
    );
    return section;
  }
  const findings = new Map<string, ControlFinding>((row?.controls ?? []).map((f) => [f.controlId, f]));
  const sorted = [...c.controls].sort((a, b) => compareRefs(a.id, b.id));
  for (const control of sorted) section.append(controlCard(control, findings.get(control.id) ?? null, at));
  return section;
}

function controlCard(control: ControlDetail, finding: ControlFinding | null, at: Date): HTMLElement {
  const assets = control.assets.edges.map((e) => e.node);
  const evidence = sortEvidenceNewestFirst(control.evidence.edges.map((e) => e.node));
  const assetNames = new Map(assets.map((a) => [a.id, a.name]));
  const evRows = evidence.map((ev) => {
    const win = evidenceWindow(ev.collectedAt, ev.validUntil, control.frequency);
    const validity = evidenceValidity(ev, control.frequency, at);
    return h(
      "tr",
      { "data-evidence": ev.id, "data-validity": validity },
      h(
        "th",
        { scope: "row" },
        ev.uri ? h("a", { href: ev.uri, rel: "noopener noreferrer", target: "_blank" }, ev.title) : ev.title,
        h("div", { class: "small id-line" }, evidenceLink(ev.id)),
      ),
      h("td", null, ev.status.toLowerCase()),
      h("td", null, h("time", { datetime: win.start }, formatDate(win.start))),
      h(
        "td",
        { "data-window-end": win.end },
        h("time", { datetime: win.end }, formatDate(win.end)),
        win.computed
          ? h(
              "div",
              { class: "muted small" },
              `computed: ${control.frequency.toLowerCase()}, ${frequencyDays(control.frequency)} d`,
            )
          : null,
      ),
      observedCell(ev),
      h("td", null, tag(VALIDITY_LABEL[validity], validity === "VALID" ? "good" : "bad")),
      h(
        "td",
        null,
        ev.covers.length ? ev.covers.map((a) => assetNames.get(a.id) ?? a.id).join(", ") : "all its assets",
      ),
    );
  });
  const more = (shown: number, total: number, what: string): HTMLElement | null =>
    total > shown ? h("p", { class: "muted small" }, `Showing ${shown} of ${total} ${what}.`) : null;
  return h(
    "article",
    { class: "control", "data-control": control.id, "aria-labelledby": `ctl-${control.id}` },
    h(
      "h3",
      { id: `ctl-${control.id}` },
      control.title,
      " ",
      controlLink(control.id),
      " ",
      finding
        ? tag(finding.effective ? "effective" : "not effective", finding.effective ? "good" : "bad")
        : tag(control.status.toLowerCase().replace("_", " ")),
    ),
    h(
      "p",
      { class: "muted small" },
      "Owner: ",
      ownerCell(control),
      ` · ${control.status.toLowerCase().replace("_", " ")} · ${control.frequency.toLowerCase()} · ${control.kind.toLowerCase()}${control.automated ? " · automated" : ""}`,
    ),
    finding ? h("p", { class: "finding", "data-testid": "control-reason" }, finding.reason) : null,
    control.status === "CARVED_OUT" ? reliesOn(control, at) : null,
    h("h4", null, `Assets in scope (${control.assets.totalCount})`),
    assets.length
      ? h(
          "ul",
          { class: "chips" },
          assets.map((a) =>
            h(
              "li",
              { "data-asset": a.id },
              assetLink(a.id, a.name),
              h(
                "span",
                { class: "muted small" },
                ` ${a.kind.toLowerCase()}${a.changedAt ? `, changed ${formatDate(a.changedAt)}` : ""}`,
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, "Applies to no asset: one valid evidence item makes it effective."),
    more(assets.length, control.assets.totalCount, "assets"),
    h("h4", null, `Evidence (${control.evidence.totalCount})`),
    evRows.length
      ? scrollTable(
          `Evidence for ${control.id}`,
          [
            "Evidence",
            "Status",
            "Collected",
            "Valid until",
            "Observed",
            `At ${formatDate(at.toISOString())}`,
            "Covers",
          ],
          evRows,
        )
      : emptyState(
          control.status === "CARVED_OUT"
            ? "Carved out: the subservice organization's report stands in; no evidence of its own is expected."
            : "No evidence was ever recorded for this control.",
        ),
    more(evRows.length, control.evidence.totalCount, "evidence items"),
  );
}

/** The span a monitoring export observed (it operates every Type II interval the span overlaps). */
function observedCell(ev: { periodStart: string | null; periodEnd: string | null }): HTMLElement {
  const span = observedSpan(ev);
  if (!span) return h("td", { class: "muted" }, "—");
  return h(
    "td",
    { "data-observed-start": span.start, "data-observed-end": span.end },
    h("time", { datetime: span.start }, formatDate(span.start)),
    " → ",
    h("time", { datetime: span.end }, formatDate(span.end)),
    h("span", { class: "visually-hidden" }, ` (${observedLabel(span)})`),
  );
}

/** A carved-out control's subservice organizations, each with its report and whether it still stands in at `at`. */
function reliesOn(control: ControlDetail, at: Date): HTMLElement {
  const vendors = [...control.vendors].sort((a, b) => a.name.localeCompare(b.name));
  const item = (v: ControlVendor): HTMLElement => {
    const state = reportState(v, at);
    return h(
      "li",
      { "data-vendor": v.id, "data-report": state },
      vendorLink(v.id, h("strong", null, v.name)),
      ` · ${reportName(v.reportKind)}`,
      v.reportValidUntil
        ? [" valid until ", h("time", { datetime: v.reportValidUntil }, formatDate(v.reportValidUntil)), " "]
        : " ",
      tag(REPORT_STATE_LABEL[state], state === "VALID" ? "good" : "bad"),
    );
  };
  return h(
    "div",
    { class: "relies-on", "data-testid": "relies-on" },
    h("h4", null, `Carved out to (${vendors.length})`),
    vendors.length
      ? h("ul", { class: "chips", "aria-label": `Subservice organizations ${control.id} relies on` }, vendors.map(item))
      : h("p", { class: "bad" }, "Relies on no vendor: nothing stands in for its evidence."),
  );
}

function mappings(c: CriterionDetail, ctx: PageContext): HTMLElement {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "maps-h", "data-testid": "mappings" },
    h("h2", { id: "maps-h" }, `Mapped requirements in other frameworks (${c.mappings.length})`),
  );
  if (c.mappings.length === 0) {
    section.append(emptyState("No crosswalk mapping touches this criterion."));
    return section;
  }
  const rows = [...c.mappings]
    .sort(
      (a, b) =>
        (a.other?.framework?.name ?? "").localeCompare(b.other?.framework?.name ?? "") ||
        compareRefs(a.other?.ref ?? a.otherId, b.other?.ref ?? b.otherId),
    )
    .map((m) =>
      h(
        "tr",
        { "data-mapping": m.otherId },
        h("td", null, m.other?.framework?.name ?? ""),
        h(
          "th",
          { scope: "row" },
          h(
            "a",
            { href: criterionHash(m.otherId, ctx.route.params.asOf) },
            h("strong", null, m.other?.ref ?? refOf(m.otherId)),
            ` ${m.other?.title ?? ""}`,
          ),
        ),
        h(
          "td",
          null,
          `${relationshipSentence(c.ref, m.relationship, m.other?.ref ?? refOf(m.otherId))} `,
          h("span", { "aria-hidden": "true" }, `(${RELATIONSHIP_SYMBOL[m.relationship]})`),
        ),
        h("td", { title: strengthTitle(m.strength), "data-strength": m.strength }, strengthWord(m.strength)),
        h("td", null, m.rationale),
      ),
    );
  section.append(
    scrollTable("Crosswalk mappings", ["Framework", "Requirement", "Relationship", "Strength", "Rationale"], rows),
  );
  return section;
}
