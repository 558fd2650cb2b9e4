/**
 * An engagement: its scope, the readiness of its in-scope criteria (with their open exceptions),
 * populations and samples, exceptions and remediation, the package, scoped missing evidence and gaps.
 */
import { fetchOpenExceptions, fetchSamples } from "../api/audit";
import { fetchEngagement } from "../api/engagements";
import type { Me } from "../api/queries";
import type {
  EngagementCriterion,
  EngagementDetail,
  Framework,
  MissingEvidenceRow,
  OpenExceptions,
  Sample,
} from "../api/types";
import { assetHash, buildHash, criterionHash } from "../router";
import { canAudit, canRemediate, whoAmI } from "../session";
import { openExceptionsWords } from "../shape/audit";
import { compareRefs, orderCategories } from "../shape/coverage";
import { formatDateTime } from "../shape/dates";
import { KIND_LABEL, boundaryWords, criterionAsOfDay, engagementWhen } from "../shape/engagement";
import { sortRows } from "../shape/missing";
import { disclosure } from "../ui/disclosure";
import { h, replace, type Child } from "../ui/dom";
import { emptyState } from "../ui/states";
import {
  carvedOutFlag,
  countsList,
  coverageBar,
  pageHeader,
  scrollTable,
  sectionCard,
  statusBadge,
} from "../ui/widgets";
import { reasonCounts, worklistTable } from "../ui/worklist";
import { exceptionsCard } from "./engagement-exceptions";
import { packageCard } from "./engagement-package";
import { samplesCard } from "./engagement-samples";
import { printButton } from "../ui/print";
import { load, type Page, type PageContext } from "./page";
import { controlLink } from "../ui/links";

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
      () =>
        Promise.all([
          fetchEngagement(id, { signal: ctx.signal }),
          ctx.frameworks(),
          whoAmI({ signal: ctx.signal }),
          fetchSamples(id, { signal: ctx.signal }),
        ]),
      ([found, frameworks, me, samples]) => {
        if (!found) {
          replace(body, pageHeader("Engagement"), emptyState(`There is no engagement ${id}.`));
          return;
        }
        renderEngagement(ctx, body, found.engagement, found.missing, frameworks, { me, samples });
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
  audit: { me: Me; samples: Sample[] },
): void {
  document.title = `${e.name} · Attestgraph`;
  const readiness = readinessCard(ctx, e, () => exceptions.showOpen());
  const exceptions = exceptionsCard(ctx, e, audit.samples, {
    record: canAudit(audit.me),
    remediate: canRemediate(audit.me),
    written: () =>
      fetchOpenExceptions(e.id, { signal: ctx.signal }).then(
        (rows) => updateOpenExceptions(readiness, e, rows, () => exceptions.showOpen()),
        () => undefined, // the counts stay as they were; the next visit reads them again
      ),
  });
  const samples = samplesCard(
    ctx,
    e,
    { samples: audit.samples, onChange: (next) => exceptions.samplesChanged(next) },
    canAudit(audit.me),
  );
  slot.append(
    pageHeader(e.name, `${engagementWhen(e)}. Everything below is scoped to its categories and boundary.`),
    h("div", { class: "page-actions no-print" }, printButton("this engagement")),
    scopeCard(e, frameworks),
    readiness,
    samples,
    exceptions.element,
  );
  // The package is the auditor's (service/auth/roles.py: AUDIT); others are not offered it.
  if (canAudit(audit.me)) slot.append(packageCard(ctx, e));
  slot.append(missingCard(e, missing), gapsCard(e));
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
  return sectionCard(
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

function readinessCard(ctx: PageContext, e: EngagementDetail, showOpen: () => void): HTMLElement {
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
  const criteria = [...c.criteria]
    .sort((a, b) => compareRefs(a.ref, b.ref))
    .map((row) => criterionRow(e, row, asOf, showOpen));
  return sectionCard(
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
      ? disclosure(
          `In-scope criteria (${criteria.length})`,
          "engagement-criteria-fold",
          scrollTable(
            "In-scope criteria",
            ["Criterion", "Title", "Category", "Status", "Gaps", "Exceptions"],
            criteria,
            {
              "data-testid": "engagement-criteria",
            },
          ),
        )
      : emptyState("No criterion is in scope."),
  );
}

function criterionRow(
  e: EngagementDetail,
  row: EngagementCriterion,
  asOf: string | null,
  showOpen: () => void,
): HTMLTableRowElement {
  return h(
    "tr",
    {
      "data-criterion": row.criterionId,
      "data-status": row.status,
      "data-carved-out": row.carvedOut ? "1" : "0",
      "data-gaps": row.gapCount,
      "data-open-exceptions": row.openExceptions,
    },
    h("th", { scope: "row" }, h("a", { href: criterionHash(row.criterionId, asOf) }, row.ref)),
    h("td", null, row.title),
    h("td", null, row.category),
    h("td", null, statusBadge(row.status), row.carvedOut ? [" ", carvedOutFlag()] : null),
    h("td", { class: `num ${row.gapCount ? "bad" : ""}`.trim(), "data-testid": "gaps" }, row.gapCount),
    h("td", { "data-testid": "exceptions" }, openExceptionsCell(e, row, showOpen)),
  );
}

function openExceptionsCell(e: EngagementDetail, row: OpenExceptions, showOpen: () => void): HTMLElement {
  return row.openExceptions ? openExceptionsLink(e, row, showOpen) : h("span", { class: "muted" }, "none");
}

/** The criteria rows' open exceptions, as asked again after an audit write. */
function updateOpenExceptions(
  readiness: HTMLElement,
  e: EngagementDetail,
  rows: readonly OpenExceptions[],
  showOpen: () => void,
): void {
  for (const row of rows) {
    const tr = readiness.querySelector<HTMLElement>(`tr[data-criterion="${CSS.escape(row.criterionId)}"]`);
    const cell = tr?.querySelector('[data-testid="exceptions"]');
    if (!tr || !cell) continue;
    tr.dataset.openExceptions = String(row.openExceptions);
    replace(cell, openExceptionsCell(e, row, showOpen));
  }
}

/** "1 open exception": a deep link to the open filter; on this page it filters in place and scrolls there. */
function openExceptionsLink(e: EngagementDetail, row: OpenExceptions, showOpen: () => void): HTMLElement {
  return h(
    "a",
    {
      href: buildHash("engagement", e.id, { open: "1" }),
      class: "bad",
      "data-testid": "open-exceptions",
      title: row.openExceptionIds.join(", "),
      onclick: (event: Event) => {
        event.preventDefault();
        showOpen();
      },
    },
    openExceptionsWords(row.openExceptions),
  );
}

function missingCard(e: EngagementDetail, rows: MissingEvidenceRow[]): HTMLElement {
  const report = e.missingEvidence;
  return sectionCard(
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
      ? disclosure(
          `Missing evidence in scope, most overdue first (${rows.length})`,
          "engagement-worklist-fold",
          worklistTable(
            "Missing evidence in scope, most overdue first",
            sortRows(rows, "overdue"),
            report.asOf,
            "engagement-worklist",
          ),
        )
      : emptyState("Nothing in scope is missing."),
  );
}

function gapsCard(e: EngagementDetail): HTMLElement {
  if (!e.gaps)
    return sectionCard(
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
      h("th", { scope: "row" }, controlLink(node.controlId)),
      h("td", null, node.control?.title ?? ""),
      h("td", null, node.frequency.toLowerCase()),
      h("td", { class: "num" }, `${node.gaps} of ${node.intervals.length}`),
    ),
  );
  return sectionCard(
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
      ? disclosure(
          `Controls with gaps (${rows.length})`,
          "engagement-gap-controls-fold",
          scrollTable("Controls with gaps", ["Control", "Title", "Frequency", "Gap intervals"], rows, {
            "data-testid": "engagement-gap-controls",
          }),
        )
      : emptyState("No in-scope control has a gap in the period."),
    g.controls.totalCount > rows.length
      ? h("p", { class: "muted small" }, `Showing ${rows.length} of ${g.controls.totalCount}.`)
      : null,
  );
}
