/**
 * The Type II page's body: the period's controls grouped by domain (collapsed, each with its gap
 * counts), a month axis, and, in an opened domain, each control's months as cells with the runs of
 * its intervals in words.
 */
import { GAP_GROUP_SIZE } from "../api/queries";
import type { ControlPeriod, ControlPeriodSummary } from "../api/types";
import { formatDate } from "../shape/dates";
import {
  cellState,
  groupByDomain,
  monthCells,
  monthColumns,
  plural,
  type DomainGroup,
  type MonthColumn,
} from "../shape/period-groups";
import { timelineSegments, type TimelineSegment } from "../shape/timeline";
import { h } from "../ui/dom";
import { controlLink } from "../ui/links";
import { emptyState } from "../ui/states";
import { load } from "./page";

export interface GapsSummaryView {
  totalGaps: number;
  start: string;
  end: string;
  controls: { totalCount: number; edges: { node: ControlPeriodSummary }[] };
}

/** Asks the API for the intervals of some of the period's controls. */
export type GroupLoader = (controlIds: string[]) => Promise<{ controls: { edges: { node: ControlPeriod }[] } } | null>;

/** A month narrower than this share of the period is too narrow for its label (the cell's title names it). */
const NARROW = 0.5 / 12;

export function periodSummary(data: GapsSummaryView): HTMLElement {
  const lastDay = formatDate(new Date(Date.parse(data.end) - 1).toISOString());
  return h(
    "div",
    null,
    h(
      "p",
      null,
      h("strong", { "data-testid": "total-gaps" }, data.totalGaps),
      ` gap intervals across `,
      h("span", { "data-testid": "control-count" }, data.controls.totalCount),
      ` controls, ${formatDate(data.start)} to ${lastDay}.`,
    ),
    legend(),
  );
}

function legend(): HTMLElement {
  return h(
    "p",
    { class: "legend small" },
    h("span", { class: "swatch month-cell cell-ok", "aria-hidden": "true" }),
    " a month without gaps ",
    h("span", { class: "swatch month-cell cell-some", "aria-hidden": "true" }),
    " some of its intervals are gaps (the number) ",
    h("span", { class: "swatch month-cell cell-all", "aria-hidden": "true" }),
    " every interval is a gap (no accepted evidence)",
  );
}

/** The domains of the period's controls, collapsed; opening one asks for its controls' intervals. */
export function domainGroups(data: GapsSummaryView, loadGroup: GroupLoader, signal: AbortSignal): HTMLElement[] {
  const columns = monthColumns(data.start, data.end);
  const groups = groupByDomain(data.controls.edges.map((e) => e.node));
  const shown = data.controls.edges.length;
  return [
    monthAxis(columns),
    ...groups.map((g) => domainGroup(g, columns, data, loadGroup, signal)),
    shown < data.controls.totalCount
      ? h("p", { class: "muted small" }, `Showing the first ${shown} of ${data.controls.totalCount} controls.`)
      : null,
  ].filter((e): e is HTMLElement => e !== null);
}

function domainGroup(
  group: DomainGroup<ControlPeriodSummary>,
  columns: readonly MonthColumn[],
  data: GapsSummaryView,
  loadGroup: GroupLoader,
  signal: AbortSignal,
): HTMLElement {
  const body = h("div", { class: "domain-body" });
  const details = h(
    "details",
    {
      class: "domain-group",
      "data-domain": group.domain,
      "data-controls": group.rows.length,
      "data-gaps": group.gaps,
      "data-with-gaps": group.withGaps,
    },
    h(
      "summary",
      null,
      h("span", { class: "domain-name" }, group.domain),
      h("span", { class: "muted" }, ` · ${plural(group.rows.length, "control")} · `),
      h(
        "span",
        { class: group.gaps ? "bad" : "good" },
        plural(group.gaps, "gap"),
        group.gaps ? ` in ${plural(group.withGaps, "control")}` : "",
      ),
    ),
    body,
  );
  let asked = false;
  details.addEventListener("toggle", () => {
    if (!details.open || asked) return;
    asked = true;
    const ids = group.rows.map((r) => r.controlId);
    void load(
      body,
      `the intervals of ${group.domain}`,
      signal,
      () => inChunks(ids, loadGroup),
      (found) => {
        const byId = new Map(found.map((node) => [node.controlId, node]));
        body.append(
          ...group.rows.map((r) => {
            const full = byId.get(r.controlId);
            return full ? controlRow(full, columns, data.start, data.end) : missingRow(r);
          }),
        );
        details.dataset.loaded = "true";
      },
    );
  });
  return details;
}

/** A large domain asked GAP_GROUP_SIZE controls at a time (the service's cost budget), in order. */
async function inChunks(ids: string[], loadGroup: GroupLoader): Promise<ControlPeriod[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += GAP_GROUP_SIZE) chunks.push(ids.slice(i, i + GAP_GROUP_SIZE));
  const pages = await Promise.all(chunks.map((chunk) => loadGroup(chunk)));
  return pages.flatMap((page) => page?.controls.edges.map((e) => e.node) ?? []);
}

function missingRow(r: ControlPeriodSummary): HTMLElement {
  return h(
    "div",
    { class: "timeline-row", "data-control": r.controlId, "data-gaps": r.gaps, "data-intervals": r.intervalCount },
    h("div", { class: "timeline-label" }, controlLink(r.controlId, h("strong", null, r.controlId))),
    emptyState("Its intervals are no longer in the period (the graph changed since the page loaded)."),
  );
}

const gridOf = (columns: readonly MonthColumn[]): string => columns.map((c) => `${c.weight.toFixed(5)}fr`).join(" ");

function monthAxis(columns: readonly MonthColumn[]): HTMLElement {
  return h(
    "div",
    { class: "timeline-row timeline-axis", "aria-hidden": "true" },
    h("div", { class: "timeline-label" }),
    h(
      "div",
      { class: "months months-axis", style: { gridTemplateColumns: gridOf(columns) }, "data-testid": "month-axis" },
      columns.map((c) => {
        const [month, year] = c.label.split(" ");
        return h(
          "span",
          { "data-month": c.key, title: c.label, class: c.weight < NARROW ? "narrow" : undefined },
          h("span", null, month),
          " ",
          h("span", { class: "year" }, year),
        );
      }),
    ),
  );
}

/** Runs listed in words under a control's months; more are counted. */
const RUNS_LISTED = 8;

function controlRow(cp: ControlPeriod, columns: readonly MonthColumn[], start: string, end: string): HTMLElement {
  const evidence = cp.control?.evidence.edges.map((e) => e.node) ?? [];
  const cells = monthCells(cp.intervals, columns);
  const gapMonths = cells.filter((c) => c.gaps > 0).map((c) => `${c.label} (${c.gaps})`);
  const label =
    `${cp.controlId}: ${cp.gaps} of ${cp.intervals.length} ${cp.frequency} intervals are gaps` +
    (gapMonths.length ? `, in ${gapMonths.join(", ")}` : "");
  const months = h(
    "div",
    { class: "months", role: "img", "aria-label": label, style: { gridTemplateColumns: gridOf(columns) } },
    cells.map((c) =>
      h(
        "span",
        {
          class: `month-cell cell-${cellState(c)}`,
          "data-month": c.key,
          "data-gaps": c.gaps,
          "data-intervals": c.intervals,
          // An interval counts in each month it overlaps (a monthly interval rarely starts on the 1st).
          title: `${c.label}: ${c.gaps} of the ${plural(c.intervals, `${cp.frequency} interval`)} overlapping it ${c.gaps === 1 ? "is a gap" : "are gaps"}`,
        },
        c.gaps > 0 ? String(c.gaps) : "",
      ),
    ),
  );
  const segments = timelineSegments(cp.intervals, start, end, 1, evidence);
  const span = (seg: TimelineSegment): string => `${formatDate(seg.start)} → ${formatDate(seg.end)}`;
  // The runs in words, for the precise days (and for readers who cannot see the cells).
  const runs = h(
    "details",
    { class: "runs" },
    h("summary", { class: "small" }, `How its intervals were operated (${plural(segments.length, "run")})`),
    h(
      "ul",
      { class: "operations muted small", "aria-label": `How ${cp.controlId}'s intervals were operated` },
      segments
        .slice(0, RUNS_LISTED)
        .map((s) =>
          h(
            "li",
            { "data-kind": s.kind, "data-observed-by": s.operation.observedBy.join(" ") || undefined },
            `${span(s)}: ${s.label}`,
          ),
        ),
      segments.length > RUNS_LISTED ? h("li", null, `and ${segments.length - RUNS_LISTED} more runs`) : null,
    ),
  );
  return h(
    "div",
    {
      class: "timeline-row",
      "data-control": cp.controlId,
      "data-gaps": cp.gaps,
      "data-intervals": cp.intervals.length,
    },
    h(
      "div",
      { class: "timeline-label" },
      controlLink(cp.controlId, h("strong", null, cp.controlId)),
      " ",
      h("span", null, cp.control?.title ?? ""),
      h(
        "div",
        { class: "muted small" },
        `${cp.frequency} · `,
        h("span", { class: cp.gaps ? "bad" : "good" }, plural(cp.gaps, "gap")),
        ` of ${cp.intervals.length}`,
      ),
    ),
    months,
    runs,
  );
}
