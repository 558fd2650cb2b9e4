/** 1. Overview: per framework, coverage totals, the per-category breakdown, worst criteria first. */
import { listEngagements } from "../api/engagements";
import { fetchCoverage } from "../api/queries";
import type { CoverageReport, CoverageRow, Framework } from "../api/types";
import { buildHash, criterionHash, engagementHash } from "../router";
import { carvedOutCriteria } from "../shape/carveout";
import { orderCategories, orderFrameworks, percent, worstCriteria } from "../shape/coverage";
import { engagementWhen } from "../shape/engagement";
import { asOfFromDateInput, formatDateTime, isDateInputValue, toDateInputValue } from "../shape/dates";
import { h, replace } from "../ui/dom";
import { disclosure } from "../ui/disclosure";
import { printButton } from "../ui/print";
import { emptyState, loadingState } from "../ui/states";
import { carvedOutFlag, countsList, coverageBar, field, pageHeader, scrollTable, statusBadge } from "../ui/widgets";
import { load, type Page, type PageContext } from "./page";

const WORST_SHOWN = 10;

export const overviewPage: Page = {
  title: "Coverage overview",
  render(ctx) {
    const today = toDateInputValue(ctx.now());
    const picked = isDateInputValue(ctx.route.params.asOf) ? ctx.route.params.asOf : today;
    const dateInput = h("input", { type: "date", name: "asOf", value: picked });
    const todayButton = h("button", { type: "button", class: "button button-secondary" }, "Today");
    const body = h("div", { class: "frameworks", "data-testid": "overview-frameworks" });
    const form = h(
      "form",
      { class: "toolbar", "aria-label": "Coverage date" },
      field("As of (UTC day)", dateInput, "Coverage at the end of this day; today means now."),
      todayButton,
    );
    form.addEventListener("submit", (e) => e.preventDefault());
    const engagements = h("section", {
      class: "card engagements",
      "aria-labelledby": "engagements-h",
      "data-testid": "overview-engagements",
    });
    ctx.root.append(
      pageHeader("Coverage overview", "Which criteria are met by implemented controls with valid, current evidence."),
      h("div", { class: "page-actions no-print" }, printButton("the overview")),
      form,
      engagements,
      body,
    );
    const engagementsShown = showEngagements(ctx, engagements);

    let frameworks: Framework[] = [];
    const refresh = (): void => {
      const day = dateInput.value;
      ctx.setParams({ asOf: day && day !== toDateInputValue(ctx.now()) ? day : null });
      const asOf = asOfFromDateInput(day, ctx.now());
      replace(body);
      body.classList.remove("revealing");
      if (frameworks.length === 0) {
        body.append(
          emptyState(
            "No frameworks are loaded.",
            "Load a framework catalog (attestgraph load seeds/) to see coverage.",
          ),
        );
        return;
      }
      const glance = h("tbody");
      body.append(
        h(
          "section",
          { class: "card", "aria-labelledby": "glance-h" },
          h("h2", { id: "glance-h" }, "At a glance"),
          h(
            "div",
            { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Frameworks at a glance" },
            h(
              "table",
              { class: "table", "data-testid": "glance" },
              h(
                "thead",
                null,
                h(
                  "tr",
                  null,
                  ["Framework", "Covered", "Partial", "Uncovered", "Criteria", "Coverage"].map((c) =>
                    h("th", { scope: "col" }, c),
                  ),
                ),
              ),
              glance,
            ),
          ),
        ),
      );
      const loads: Promise<void>[] = [engagementsShown];
      for (const fw of orderFrameworks(frameworks)) body.append(frameworkSection(ctx, fw, asOf, glance, loads));
      revealTogether(body, loads);
    };
    dateInput.addEventListener("change", refresh);
    todayButton.addEventListener("click", () => {
      dateInput.value = toDateInputValue(ctx.now());
      refresh();
    });
    void load(body, "frameworks", ctx.signal, ctx.frameworks, (list) => {
      frameworks = list;
      refresh();
    });
  },
};

const reveals = new WeakMap<HTMLElement, number>();

/**
 * Show the cards of `body` together once every answer in `loads` is in (or failed). Cards that
 * grew one by one as their answers arrived pushed the others down under the reader (CLS 0.54 on
 * SOC 2's card); new content appearing at once below what is already shown moves nothing.
 */
function revealTogether(body: HTMLElement, loads: Promise<void>[]): void {
  const token = (reveals.get(body) ?? 0) + 1;
  reveals.set(body, token);
  const waiting = loadingState("coverage");
  body.classList.add("revealing");
  body.prepend(waiting);
  void Promise.allSettled(loads).then(() => {
    if (reveals.get(body) !== token) return; // a later refresh owns the page now
    waiting.remove();
    body.classList.remove("revealing");
  });
}

/** The audits under way, each linking to its engagement page; hidden while there are none. */
function showEngagements(ctx: PageContext, card: HTMLElement): Promise<void> {
  const slot = h("div");
  card.append(h("h2", { id: "engagements-h" }, "Engagements"), slot);
  return load(
    slot,
    "engagements",
    ctx.signal,
    () => listEngagements({ signal: ctx.signal }),
    (list) => {
      card.hidden = list.length === 0;
      slot.append(
        h(
          "ul",
          { class: "engagement-list" },
          list.map((e) =>
            h(
              "li",
              { "data-engagement": e.id },
              h("a", { href: engagementHash(e.id) }, h("strong", null, e.name)),
              h("span", { class: "muted small" }, ` · ${e.framework} · ${engagementWhen(e)}`),
            ),
          ),
        ),
      );
    },
  );
}

function frameworkSection(
  ctx: PageContext,
  fw: Framework,
  asOf: string | null,
  glance: HTMLElement,
  loads: Promise<void>[],
): HTMLElement {
  const headingId = `fw-${fw.id}`;
  const slot = h("div", { class: "framework-body" });
  const section = h(
    "section",
    { class: "card framework", "data-framework": fw.id, "aria-labelledby": headingId },
    h("h2", { id: headingId, tabindex: "-1" }, fw.name, " ", h("span", { class: "muted" }, fw.version)),
    slot,
  );
  const glanceRow = h(
    "tr",
    { "data-framework": fw.id },
    h(
      "th",
      { scope: "row" },
      h(
        "a",
        {
          href: `#${headingId}`,
          onclick: (e: Event) => (e.preventDefault(), section.querySelector("h2")?.focus(), section.scrollIntoView()),
        },
        fw.name,
      ),
    ),
    h("td", { colspan: "5", class: "muted" }, "Loading…"),
  );
  glance.append(glanceRow);
  const loaded = load(
    slot,
    `coverage for ${fw.name}`,
    ctx.signal,
    () => fetchCoverage(fw.id, asOf, { signal: ctx.signal }),
    (report) => {
      const t = report.totals;
      glanceRow.replaceChildren(
        glanceRow.firstChild!,
        h("td", { class: "num", "data-count": "covered" }, t.covered),
        h("td", { class: "num", "data-count": "partial" }, t.partial),
        h("td", { class: "num", "data-count": "uncovered" }, t.uncovered),
        h("td", { class: "num", "data-count": "total" }, t.total),
        h(
          "td",
          { class: "bar-cell" },
          coverageBar(t, fw.name),
          h("span", { class: "small muted" }, `${percent(t.covered, t.total)}% covered`),
        ),
      );
      slot.append(...coverageBody(report, asOf, fw.name));
      section.dataset.loaded = "true";
    },
  ).then(() => {
    if (!section.dataset.loaded && !ctx.signal.aborted)
      glanceRow.lastElementChild!.textContent = "Could not load (see below).";
  });
  loads.push(loaded);
  return section;
}

function coverageBody(report: CoverageReport, asOf: string | null, framework: string): HTMLElement[] {
  const { totals } = report;
  const summary = h(
    "div",
    { class: "framework-summary" },
    h(
      "p",
      { class: "big-number" },
      h("span", { "data-testid": "covered-percent" }, `${percent(totals.covered, totals.total)}%`),
      h("span", { class: "muted" }, " covered"),
    ),
    countsList(totals, "total"),
    coverageBar(totals, "All criteria"),
    h("p", { class: "muted small" }, "As of ", h("time", { datetime: report.asOf }, formatDateTime(report.asOf))),
    h(
      "a",
      { href: buildHash("matrix", null, { framework: report.frameworkId }), "data-testid": "matrix-link" },
      `All ${totals.total} criteria in the matrix`,
    ),
  );

  const categoryRows = orderCategories(report.byCategory, report.criteria).map((c) =>
    h(
      "tr",
      { "data-category": c.category },
      h("th", { scope: "row" }, c.category),
      h("td", { "data-count": "covered", class: "num" }, c.covered),
      h("td", { "data-count": "partial", class: "num" }, c.partial),
      h("td", { "data-count": "uncovered", class: "num" }, c.uncovered),
      h("td", { "data-count": "total", class: "num" }, c.total),
      h("td", { class: "bar-cell" }, coverageBar(c, c.category)),
    ),
  );
  const categories =
    categoryRows.length > 0
      ? scrollTable("By category", ["Category", "Covered", "Partial", "Uncovered", "Total", "Coverage"], categoryRows, {
          "data-testid": "categories",
        })
      : emptyState("This framework has no criteria.");
  // One region per framework card: each needs a name of its own to be told apart by a screen reader.
  if (categoryRows.length > 0) categories.setAttribute("aria-label", `${framework} by category`);

  const worst = worstCriteria(report.criteria);
  const list = h("ol", { class: "worst-list", "data-testid": "worst-criteria" });
  const renderWorst = (limit: number): void => {
    replace(
      list,
      worst
        .slice(0, limit)
        .map((c) =>
          h(
            "li",
            { "data-criterion": c.criterionId, "data-status": c.status },
            statusBadge(c.status),
            " ",
            h(
              "a",
              { href: criterionHash(c.criterionId, asOf ? asOf.slice(0, 10) : null) },
              h("strong", null, c.ref),
              ` ${c.title}`,
            ),
            c.derived ? h("span", { class: "tag" }, "via crosswalk") : null,
            c.carvedOut ? carvedOutFlag() : null,
            h("span", { class: "muted small reason" }, c.reason),
          ),
        ),
    );
  };
  renderWorst(WORST_SHOWN);
  const attention = h(
    "div",
    { class: "attention" },
    h("h3", null, "Needs attention ", h("span", { class: "muted" }, `(${worst.length})`)),
    worst.length === 0 ? emptyState("Every criterion is covered.") : list,
  );
  if (worst.length > WORST_SHOWN) {
    const more = h("button", { type: "button", class: "button button-secondary" }, `Show all ${worst.length}`);
    more.addEventListener("click", () => {
      renderWorst(worst.length);
      more.remove();
      (list.children[WORST_SHOWN]?.querySelector("a") as HTMLElement | null)?.focus();
    });
    attention.append(more);
  }
  const carved = carvedOutCriteria(report.criteria);
  if (carved.length > 0) attention.append(carvedOutList(carved, asOf));
  // Collapsed by default: the overview stays a page of summaries (printing opens them).
  return [
    summary,
    disclosure(
      `Categories and criteria needing attention (${worst.length})`,
      "framework-details",
      categories,
      attention,
    ),
  ];
}

/** Criteria whose controls are all carved out, whatever their status: a SOC 2 report lists them apart. */
function carvedOutList(rows: readonly CoverageRow[], asOf: string | null): HTMLElement {
  return h(
    "div",
    { class: "carved-out" },
    h("h3", null, "Carved out to subservice organizations ", h("span", { class: "muted" }, `(${rows.length})`)),
    h(
      "ul",
      { class: "worst-list", "data-testid": "carved-out-criteria" },
      rows.map((c) =>
        h(
          "li",
          { "data-criterion": c.criterionId, "data-status": c.status },
          statusBadge(c.status),
          " ",
          carvedOutFlag(),
          " ",
          h(
            "a",
            { href: criterionHash(c.criterionId, asOf ? asOf.slice(0, 10) : null) },
            h("strong", null, c.ref),
            ` ${c.title}`,
          ),
          h("span", { class: "muted small reason" }, c.reason),
        ),
      ),
    ),
  );
}
