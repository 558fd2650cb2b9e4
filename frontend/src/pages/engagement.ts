/** An engagement: its scope, the readiness of its in-scope criteria, scoped missing evidence and gaps. */
import { fetchEngagement } from "../api/engagements";
import type { EngagementCriterion, EngagementDetail, Framework, MissingEvidenceRow } from "../api/types";
import { assetHash, buildHash, criterionHash } from "../router";
import { compareRefs, orderCategories } from "../shape/coverage";
import { formatDateTime } from "../shape/dates";
import { KIND_LABEL, boundaryWords, criterionAsOfDay, engagementWhen } from "../shape/engagement";
import { sortRows } from "../shape/missing";
import { h, replace, type Child } from "../ui/dom";
import { emptyState } from "../ui/states";
import { carvedOutFlag, countsList, coverageBar, pageHeader, scrollTable, statusBadge } from "../ui/widgets";
import { reasonCounts, worklistTable } from "../ui/worklist";
import { load, type Page, type PageContext } from "./page";

export const engagementPage: Page = {
  title: "Engagement",
  render(ctx) {
    const id = ctx.route.id;
    const body = h("div", { class: "engagement", "data-testid": "engagement" });
    ctx.root.append(body);
    if (!id) {
      replace(
        body,
        pageHeader("Engagement"),
        emptyState("No engagement chosen.", "Open one from the overview or the Type II page."),
      );
      return;
    }
    void load(
      body,
      `engagement ${id}`,
      ctx.signal,
      () => Promise.all([fetchEngagement(id, { signal: ctx.signal }), ctx.frameworks()]),
      ([found, frameworks]) => {
        if (!found) {
          replace(body, pageHeader("Engagement"), emptyState(`There is no engagement ${id}.`));
          return;
        }
        renderEngagement(ctx, body, found.engagement, found.missing, frameworks);
        body.dataset.loaded = "true";
      },
    );
  },
};

function renderEngagement(
  ctx: PageContext,
  slot: HTMLElement,
  e: EngagementDetail,
  missing: MissingEvidenceRow[],
  frameworks: readonly Framework[],
): void {
  document.title = `${e.name} · Attestgraph`;
  slot.append(
    pageHeader(e.name, `${engagementWhen(e)}. Everything below is scoped to its categories and boundary.`),
    scopeCard(e, frameworks),
    readinessCard(ctx, e),
    missingCard(e, missing),
    gapsCard(e),
  );
}

function card(id: string, title: string, testid: string, ...children: Child[]): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-labelledby": id, "data-testid": testid },
    h("h2", { id }, title),
    ...children,
  );
}

function scopeCard(e: EngagementDetail, frameworks: readonly Framework[]): HTMLElement {
  const framework = frameworks.find((f) => f.id === e.framework)?.name ?? e.framework;
  const item = (label: string, key: string, ...value: Child[]): Child[] => [
    h("dt", null, label),
    h("dd", { "data-scope-item": key }, ...value),
  ];
  const when =
    e.kind === "TYPE1"
      ? item("As of", "as-of", h("time", { datetime: e.asOf ?? "" }, formatDateTime(e.asOf)))
      : item(
          "Period",
          "period",
          h("time", { datetime: e.periodStart ?? "" }, formatDateTime(e.periodStart)),
          " to ",
          h("time", { datetime: e.periodEnd ?? "" }, formatDateTime(e.periodEnd)),
          " (end excluded)",
        );
  return card(
    "scope-h",
    "Scope",
    "scope",
    h(
      "dl",
      { class: "scope" },
      item("Framework", "framework", framework),
      item("Kind", "kind", KIND_LABEL[e.kind]),
      when,
      item("Assessed at", "reference", h("time", { datetime: e.referenceInstant }, formatDateTime(e.referenceInstant))),
      item(
        "Categories in scope",
        "categories",
        h(
          "ul",
          { class: "inline-list" },
          e.categoriesInScope.map((c) => h("li", { "data-category": c }, c)),
        ),
      ),
      item("Boundary", "boundary", boundaryWords(e.boundary)),
    ),
    h(
      "ul",
      { class: "boundary-assets", "aria-label": "Assets in the boundary", "data-testid": "boundary" },
      (e.boundary ?? []).map((a) => h("li", { "data-asset": a }, h("a", { href: assetHash(a) }, a))),
    ),
  );
}

function readinessCard(ctx: PageContext, e: EngagementDetail): HTMLElement {
  const c = e.coverage;
  const asOf = criterionAsOfDay(e.referenceInstant, ctx.now());
  const categories = orderCategories(c.byCategory, c.criteria).map((cat) =>
    h(
      "tr",
      { "data-category": cat.category },
      h("th", { scope: "row" }, cat.category),
      h("td", { class: "num", "data-count": "covered" }, cat.covered),
      h("td", { class: "num", "data-count": "partial" }, cat.partial),
      h("td", { class: "num", "data-count": "uncovered" }, cat.uncovered),
      h("td", { class: "num", "data-count": "total" }, cat.total),
    ),
  );
  const criteria = [...c.criteria].sort((a, b) => compareRefs(a.ref, b.ref)).map((row) => criterionRow(row, asOf));
  return card(
    "readiness-h",
    "Readiness",
    "readiness",
    h("p", { class: "muted" }, "Coverage of the in-scope criteria over the boundary, at the assessed instant."),
    countsList(c.totals, "engagement"),
    coverageBar(c.totals, "In-scope criteria"),
    scrollTable(
      "In-scope criteria by category",
      ["Category", "Covered", "Partial", "Uncovered", "Criteria"],
      categories,
      {
        "data-testid": "engagement-categories",
      },
    ),
    criteria.length
      ? scrollTable("In-scope criteria", ["Criterion", "Title", "Category", "Status", "Gaps"], criteria, {
          "data-testid": "engagement-criteria",
        })
      : emptyState("No criterion is in scope."),
  );
}

function criterionRow(row: EngagementCriterion, asOf: string | null): HTMLTableRowElement {
  return h(
    "tr",
    {
      "data-criterion": row.criterionId,
      "data-status": row.status,
      "data-carved-out": row.carvedOut ? "1" : "0",
      "data-gaps": row.gapCount,
    },
    h("th", { scope: "row" }, h("a", { href: criterionHash(row.criterionId, asOf) }, row.ref)),
    h("td", null, row.title),
    h("td", null, row.category),
    h("td", null, statusBadge(row.status), row.carvedOut ? [" ", carvedOutFlag()] : null),
    h("td", { class: `num ${row.gapCount ? "bad" : ""}`.trim() }, row.gapCount),
  );
}

function missingCard(e: EngagementDetail, rows: MissingEvidenceRow[]): HTMLElement {
  const report = e.missingEvidence;
  return card(
    "missing-h",
    "Missing evidence",
    "engagement-missing",
    h(
      "p",
      null,
      h("strong", { "data-testid": "missing-count" }, report.totalCount),
      " missing for in-scope controls on boundary assets as of ",
      h("time", { datetime: report.asOf }, formatDateTime(report.asOf)),
      ". ",
    ),
    reasonCounts(report.byReason),
    rows.length
      ? worklistTable(
          "Missing evidence in scope, most overdue first",
          sortRows(rows, "overdue"),
          report.asOf,
          "engagement-worklist",
        )
      : emptyState("Nothing in scope is missing."),
  );
}

function gapsCard(e: EngagementDetail): HTMLElement {
  if (!e.gaps)
    return card(
      "gaps-h",
      "Period gaps",
      "engagement-gaps",
      h("p", { class: "muted" }, "A Type I engagement has no period: no gaps."),
    );
  const g = e.gaps;
  const rows = g.controls.edges.map(({ node }) =>
    h(
      "tr",
      { "data-control": node.controlId, "data-gaps": node.gaps },
      h("th", { scope: "row" }, node.controlId),
      h("td", null, node.control?.title ?? ""),
      h("td", null, node.frequency.toLowerCase()),
      h("td", { class: "num" }, `${node.gaps} of ${node.intervals.length}`),
    ),
  );
  return card(
    "gaps-h",
    "Period gaps",
    "engagement-gaps",
    h(
      "p",
      null,
      h("strong", { "data-testid": "total-gaps" }, g.totalGaps),
      " gap intervals in ",
      h("span", { "data-testid": "gap-controls" }, g.controls.totalCount),
      " in-scope controls. ",
      h("a", { href: buildHash("period", null, { engagement: e.id }) }, "See them on the Type II page"),
      ".",
    ),
    rows.length
      ? scrollTable("Controls with gaps", ["Control", "Title", "Frequency", "Gap intervals"], rows, {
          "data-testid": "engagement-gap-controls",
        })
      : emptyState("No in-scope control has a gap in the period."),
    g.controls.totalCount > rows.length
      ? h("p", { class: "muted small" }, `Showing ${rows.length} of ${g.controls.totalCount}.`)
      : null,
  );
}
