/**
 * 2. The criteria matrix: every criterion of a framework (covered ones too) in the framework's own
 * order, filtered by status, category and owner, each row expandable to its controls and evidence.
 */
import { fetchMatrixCriterion, listControlOwners, MATRIX_EVIDENCE_SHOWN, type MatrixControl } from "../api/matrix";
import { fetchCoverage } from "../api/queries";
import type { CoverageReport, CoverageStatus, Framework } from "../api/types";
import { criterionHash } from "../router";
import { orderFrameworks, STATUS_LABEL } from "../shape/coverage";
import { asOfFromDateInput, formatDate, formatDateTime, isDateInputValue, toDateInputValue } from "../shape/dates";
import {
  filterMatrix,
  matrixCategories,
  matrixCsv,
  matrixFileName,
  matrixOwners,
  matrixRows,
  type MatrixRow,
} from "../shape/matrix";
import { plural } from "../shape/words";
import { h, replace } from "../ui/dom";
import { ownerCell } from "../ui/owner";
import { emptyState } from "../ui/states";
import { carvedOutFlag, downloadText, field, frameworkOptions, pageHeader, select, statusBadge } from "../ui/widgets";
import { load, type Page, type PageContext } from "./page";

/** Rows shown before "Show more": keeps the page within about three screens. */
const ROWS_SHOWN = 40;
const STATUSES: CoverageStatus[] = ["UNCOVERED", "PARTIAL", "COVERED"];

export const matrixPage: Page = {
  title: "Criteria matrix",
  render(ctx) {
    const form = h("form", { class: "toolbar matrix-filters", "aria-label": "Matrix filters" });
    form.addEventListener("submit", (e) => e.preventDefault());
    const summary = h("p", { class: "muted", "aria-live": "polite", "data-testid": "matrix-summary" });
    const body = h("div", { class: "matrix-body", "data-testid": "criteria-matrix" });
    ctx.root.append(
      pageHeader(
        "Criteria matrix",
        "Every criterion of a framework in its own order, with its status, category, controls and their owners.",
      ),
      form,
      h("section", { class: "card" }, summary, body),
    );
    void load(form, "frameworks", ctx.signal, ctx.frameworks, (frameworks) =>
      controls(ctx, frameworks, form, summary, body),
    );
  },
};

function controls(
  ctx: PageContext,
  unordered: Framework[],
  form: HTMLElement,
  summary: HTMLElement,
  body: HTMLElement,
): void {
  const p = ctx.route.params;
  const frameworks = orderFrameworks(unordered);
  if (frameworks.length === 0) {
    replace(body, emptyState("No frameworks are loaded.", "Load a framework catalog (attestgraph load seeds/)."));
    return;
  }
  const fw = select("framework", frameworkOptions(frameworks), p.framework ?? frameworks[0]!.id);
  const status = select(
    "status",
    [{ value: "", label: "Any status" }, ...STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))],
    p.status ?? "",
  );
  const category = select("category", [{ value: "", label: "Any category" }], null);
  const owner = select("owner", [{ value: "", label: "Any owner" }], null);
  const day = h("input", {
    type: "date",
    name: "asOf",
    value: isDateInputValue(p.asOf) ? p.asOf : toDateInputValue(ctx.now()),
  });
  const exportButton = h(
    "button",
    { type: "button", class: "button", "data-testid": "export-csv", disabled: true },
    "Export CSV",
  );
  form.append(
    field("Framework", fw),
    field("Status", status),
    field("Category", category),
    field("Owner", owner),
    field("As of (UTC day)", day),
    h("div", { class: "field field-button" }, exportButton),
  );
  // The wanted category and owner survive a reload until their options arrive.
  let wanted = { category: p.category ?? "", owner: p.owner ?? "" };
  let rows: MatrixRow[] = [];
  let report: CoverageReport | null = null;
  let shown: MatrixRow[] = [];
  const owners = listControlOwners({ signal: ctx.signal }).then((list) => new Map(list.map((c) => [c.id, c.owner])));

  const renderRows = (): void => {
    if (!report) return;
    ctx.setParams({
      framework: fw.value,
      status: status.value || null,
      category: category.value || null,
      owner: owner.value || null,
      asOf: day.value && day.value !== toDateInputValue(ctx.now()) ? day.value : null,
    });
    shown = filterMatrix(rows, {
      status: (status.value || null) as CoverageStatus | null,
      category: category.value || null,
      owner: owner.value || null,
    });
    exportButton.disabled = shown.length === 0;
    replace(
      summary,
      h("strong", { "data-testid": "shown-count" }, shown.length),
      ` of ${plural(rows.length, "criterion", "criteria")} as of `,
      h("time", { datetime: report.asOf }, formatDateTime(report.asOf)),
      ".",
    );
    if (shown.length === 0) return void replace(body, emptyState("No criterion matches these filters."));
    replace(body, matrixTable(ctx, shown, day.value));
  };

  const options = (el: HTMLSelectElement, any: string, values: string[], want: string): void => {
    replace(
      el,
      h("option", { value: "" }, any),
      values.map((v) => h("option", { value: v, selected: v === want }, v)),
    );
  };

  const reload = (): void => {
    const asOf = asOfFromDateInput(day.value, ctx.now());
    void load(
      body,
      "the criteria matrix",
      ctx.signal,
      () => Promise.all([fetchCoverage(fw.value, asOf, { signal: ctx.signal }), owners]),
      ([coverage, ownerOf]) => {
        report = coverage;
        rows = matrixRows(coverage.criteria, ownerOf);
        options(category, "Any category", matrixCategories(rows), wanted.category);
        options(owner, "Any owner", matrixOwners(rows), wanted.owner);
        renderRows();
        body.dataset.loaded = "true";
      },
    );
  };
  for (const el of [status, category, owner])
    el.addEventListener("change", () => {
      wanted = { category: category.value, owner: owner.value };
      renderRows();
    });
  fw.addEventListener("change", () => {
    wanted = { category: "", owner: "" };
    reload();
  });
  day.addEventListener("change", reload);
  exportButton.addEventListener("click", () => {
    if (report) downloadText(matrixFileName(fw.value, report.asOf), matrixCsv(shown));
  });
  reload();
}

function matrixTable(ctx: PageContext, rows: readonly MatrixRow[], day: string): HTMLElement {
  const tbody = h("tbody");
  const asOfParam = day && day !== toDateInputValue(ctx.now()) ? day : null;
  const renderUpTo = (limit: number): void => {
    replace(
      tbody,
      rows.slice(0, limit).map((r) => criterionRows(ctx, r, asOfParam)),
    );
  };
  renderUpTo(ROWS_SHOWN);
  const wrap = h(
    "div",
    { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Criteria matrix" },
    h(
      "table",
      { class: "table matrix-table", "data-testid": "matrix-table" },
      h("caption", null, "Criteria in the framework's order; a row's button lists its controls and evidence"),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["Criterion", "Category", "Status", "Controls", "Owners"].map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      tbody,
    ),
  );
  if (rows.length <= ROWS_SHOWN) return wrap;
  const more = h(
    "button",
    { type: "button", class: "button button-secondary", "data-testid": "matrix-more" },
    `Show all ${rows.length}`,
  );
  more.addEventListener("click", () => {
    renderUpTo(rows.length);
    more.remove();
  });
  return h("div", null, wrap, more);
}

/** The criterion's row and its (hidden until asked) detail row. */
function criterionRows(ctx: PageContext, r: MatrixRow, asOf: string | null): HTMLElement[] {
  const detail = h("td", { colspan: "5", class: "matrix-detail" });
  const detailRow = h("tr", { class: "matrix-detail-row", hidden: true, "data-detail": r.criterionId }, detail);
  const toggle = h(
    "button",
    {
      type: "button",
      class: "disclosure",
      "aria-expanded": "false",
      "aria-controls": (detailRow.id = `detail-${r.criterionId.replace(/[^A-Za-z0-9_-]/g, "_")}`),
      "data-testid": "expand",
      title: `Controls and evidence of ${r.ref}`,
    },
    h("span", { "aria-hidden": "true", class: "disclosure-mark" }, "▸"),
    h("span", { class: "visually-hidden" }, `Controls and evidence of ${r.ref}`),
  );
  let loaded = false;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    detailRow.hidden = !open;
    if (open && !loaded) {
      loaded = true;
      void load(
        detail,
        `the controls of ${r.ref}`,
        ctx.signal,
        () => fetchMatrixCriterion(r.criterionId, { signal: ctx.signal }),
        (c) => detail.append(controlList(r, c?.controls ?? [])),
      );
    }
  });
  const row = h(
    "tr",
    { "data-criterion": r.criterionId, "data-status": r.status, "data-category": r.category },
    h(
      "th",
      { scope: "row" },
      toggle,
      " ",
      h("a", { href: criterionHash(r.criterionId, asOf) }, h("strong", null, r.ref)),
      ` ${r.title}`,
    ),
    h("td", null, r.category),
    h(
      "td",
      null,
      statusBadge(r.status),
      r.derived ? [" ", h("span", { class: "tag" }, "via crosswalk")] : null,
      r.carvedOut ? [" ", carvedOutFlag()] : null,
    ),
    h("td", { class: "num", "data-count": "controls" }, r.controls.length),
    h("td", { "data-owners": r.owners.join("; ") }, r.owners.join("; ")),
  );
  return [row, detailRow];
}

function controlList(r: MatrixRow, controls: readonly MatrixControl[]): HTMLElement {
  if (controls.length === 0)
    return emptyState(
      r.derived ? "No control of its own: its status comes through the crosswalk." : "No control satisfies it.",
    );
  const finding = new Map(r.controls.map((c) => [c.controlId, c]));
  return h(
    "ul",
    { class: "matrix-controls" },
    controls.map((c) =>
      h(
        "li",
        { "data-control": c.id },
        h("strong", null, c.id),
        ` ${c.title} · `,
        c.status.toLowerCase().replace("_", " "),
        finding.get(c.id) ? ` · ${finding.get(c.id)!.effective ? "effective" : "not effective"}` : "",
        " · owner: ",
        ownerCell(c),
        c.evidence.totalCount === 0
          ? h("p", { class: "muted small" }, "No evidence recorded.")
          : h(
              "ul",
              { class: "matrix-evidence" },
              c.evidence.edges.map(({ node: e }) =>
                h(
                  "li",
                  { "data-evidence": e.id },
                  h("code", null, e.id),
                  ` ${e.title} · ${e.status.toLowerCase()} · collected `,
                  h("time", { datetime: e.collectedAt }, formatDate(e.collectedAt)),
                  e.validUntil
                    ? [" · valid until ", h("time", { datetime: e.validUntil }, formatDate(e.validUntil))]
                    : null,
                ),
              ),
              c.evidence.totalCount > MATRIX_EVIDENCE_SHOWN
                ? h(
                    "li",
                    { class: "muted" },
                    `and ${plural(c.evidence.totalCount - MATRIX_EVIDENCE_SHOWN, "more item", "more items")} on `,
                    h("a", { href: criterionHash(r.criterionId) }, `${r.ref}'s page`),
                  )
                : null,
            ),
      ),
    ),
  );
}
