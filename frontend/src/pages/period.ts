/**
 * 5. Type II period view: each control's expected evidence intervals over a period, gaps highlighted.
 * The period is a Type II engagement's (scoped to it; the first one by default) or a custom one.
 */
import { plural } from "../shape/words";
import { fetchEngagementGaps, listEngagements } from "../api/engagements";
import { fetchEvidenceGaps, type GapsPage } from "../api/queries";
import type { ControlPeriod, EngagementScope, EngagementSummary, Framework } from "../api/types";
import { engagementHash } from "../router";
import { CUSTOM_PERIOD, boundaryWords, engagementWhen, periodChoice, type2Engagements } from "../shape/engagement";
import { defaultPeriod, formatDate, isDateInputValue, periodRange } from "../shape/dates";
import { gapShare, monthTicks, timelineSegments, type TimelineSegment } from "../shape/timeline";
import { orderFrameworks } from "../shape/coverage";
import { h, replace, svg } from "../ui/dom";
import { emptyState } from "../ui/states";
import { field, frameworkOptions, pageHeader, select } from "../ui/widgets";
import { load, type Page } from "./page";
import { controlLink } from "../ui/links";
import { gapsExportButton, type GapsSource } from "./period-export";

const PAGE_SIZE = 20;
const WIDTH = 1000;
const HEIGHT = 18;

export const periodPage: Page = {
  title: "Type II period",
  render(ctx) {
    const p = ctx.route.params;
    const def = defaultPeriod(ctx.now());
    const form = h("form", { class: "toolbar", "aria-label": "Audit period" });
    const scope = h("div", { class: "period-scope", "data-testid": "period-scope" });
    const summary = h("div", { class: "period-summary", "aria-live": "polite" });
    const list = h("div", { class: "timelines", "data-testid": "timelines" });
    const pager = h("nav", { class: "pager", "aria-label": "Controls pages" });
    ctx.root.append(
      pageHeader(
        "Type II period",
        "Over an audit period, each control expects accepted evidence in every interval of its frequency, collected in it or observing it (a monitoring export's period); an interval without any is a gap.",
      ),
      form,
      h("section", { class: "card" }, scope, summary, list, pager),
    );

    const loadChoices = (): Promise<[Framework[], EngagementSummary[]]> =>
      Promise.all([ctx.frameworks(), listEngagements({ signal: ctx.signal })]);
    void load(form, "frameworks and engagements", ctx.signal, loadChoices, ([frameworks, engagements]) => {
      const type2 = type2Engagements(engagements);
      const chosen = periodChoice(p, engagements);
      const picker = select(
        "engagement",
        [
          ...type2.map((e) => ({ value: e.id, label: e.name })),
          ...(chosen && !type2.some((e) => e.id === chosen) ? [{ value: chosen, label: chosen }] : []),
          { value: CUSTOM_PERIOD, label: "Custom period" },
        ],
        chosen ?? CUSTOM_PERIOD,
      );
      const fw = select(
        "framework",
        [{ value: "", label: "All controls" }, ...frameworkOptions(frameworks)],
        p.framework ?? orderFrameworks(frameworks)[0]?.id ?? "",
      );
      const start = h("input", {
        type: "date",
        name: "start",
        required: true,
        value: isDateInputValue(p.start) ? p.start : def.start,
      });
      const end = h("input", {
        type: "date",
        name: "end",
        required: true,
        value: isDateInputValue(p.end) ? p.end : def.end,
      });
      const gapsOnly = h("input", { type: "checkbox", name: "gapsOnly", checked: p.gapsOnly === "1" });
      const apply = h("button", { type: "submit", class: "button" }, "Show period");
      // The custom period's own fields; an engagement brings its framework and period.
      const custom = [field("Framework", fw), field("From (UTC day)", start), field("To (UTC day, inclusive)", end)];
      form.append(
        field("Engagement", picker, "A Type II engagement's period and scope, or a custom period."),
        ...custom,
        h(
          "div",
          { class: "field field-check" },
          gapsOnly,
          h("label", { for: (gapsOnly.id = "gaps-only") }, "Only controls with gaps"),
        ),
        h("div", { class: "field field-button" }, apply),
      );
      const engagement = (): string | null => (picker.value === CUSTOM_PERIOD ? null : picker.value);
      const exported = (): GapsSource | null => {
        const id = engagement();
        if (id !== null) return { engagement: id };
        if (!start.value || !end.value || start.value > end.value) return null;
        return { framework: fw.value || null, ...periodRange(start.value, end.value) };
      };
      form.append(h("div", { class: "field field-button" }, gapsExportButton(exported, ctx.signal)));

      // Cursors of the pages before the current one, for "Previous".
      let cursors: (string | null)[] = [null];
      const show = (after: string | null): void => {
        const id = engagement();
        for (const f of custom) f.hidden = id !== null;
        replace(pager);
        replace(summary);
        if (id !== null) {
          replace(scope);
          ctx.setParams({ engagement: id, gapsOnly: gapsOnly.checked ? "1" : null });
          void load(
            list,
            "the engagement's gaps",
            ctx.signal,
            () => fetchEngagementGaps(id, PAGE_SIZE, after, gapsOnly.checked, { signal: ctx.signal }),
            (data) => {
              list.dataset.loaded = "true";
              if (!data) return void replace(list, emptyState(`There is no engagement ${id}.`));
              replace(scope, engagementScope(data, frameworks));
              if (!data.gaps) return void replace(list, emptyState("A Type I engagement has no period: no gaps."));
              renderPage(data.gaps, after);
            },
          );
          return;
        }
        replace(scope);
        if (!start.value || !end.value || start.value > end.value) {
          replace(list, emptyState("Pick a period whose start is on or before its end."));
          return;
        }
        ctx.setParams({
          engagement: CUSTOM_PERIOD,
          framework: fw.value || null,
          start: start.value,
          end: end.value,
          gapsOnly: gapsOnly.checked ? "1" : null,
        });
        const range = periodRange(start.value, end.value);
        void load(
          list,
          "the evidence gaps",
          ctx.signal,
          () =>
            fetchEvidenceGaps(fw.value || null, range.start, range.end, PAGE_SIZE, after, gapsOnly.checked, {
              signal: ctx.signal,
            }),
          (data) => {
            renderPage(data, after);
            list.dataset.loaded = "true";
          },
        );
      };

      const renderPage = (data: GapsPage, after: string | null): void => {
        const conn = data.controls;
        const index = cursors.indexOf(after);
        const pageNo = index + 1;
        replace(
          summary,
          h(
            "p",
            null,
            h("strong", { "data-testid": "total-gaps" }, data.totalGaps),
            ` gap ${data.totalGaps === 1 ? "interval" : "intervals"} across `,
            h("span", { "data-testid": "control-count" }, conn.totalCount),
            ` ${conn.totalCount === 1 ? "control" : "controls"}, ${formatDate(data.start)} to ${formatDate(new Date(Date.parse(data.end) - 1).toISOString())}.`,
          ),
          legend(),
        );
        if (conn.edges.length === 0) {
          replace(
            list,
            emptyState(
              gapsOnly.checked ? "No control has a gap in this period." : "No control is in scope for this period.",
            ),
          );
          return;
        }
        list.append(...conn.edges.map((e) => timelineRow(e.node, data.start, data.end)));
        list.append(axis(data.start, data.end));
        const prev = h(
          "button",
          { type: "button", class: "button button-secondary", disabled: index <= 0 },
          "Previous",
        );
        const next = h(
          "button",
          { type: "button", class: "button button-secondary", disabled: !conn.pageInfo.hasNextPage },
          "Next",
        );
        prev.addEventListener("click", () => show(cursors[index - 1] ?? null));
        next.addEventListener("click", () => {
          cursors = [...cursors.slice(0, index + 1), conn.pageInfo.endCursor];
          show(conn.pageInfo.endCursor);
        });
        const pages = Math.max(1, Math.ceil(conn.totalCount / PAGE_SIZE));
        replace(pager, prev, h("span", { class: "muted" }, `Page ${pageNo} of ${pages}`), next);
      };

      const restart = (): void => {
        cursors = [null];
        show(null);
      };
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        restart();
      });
      for (const control of [gapsOnly, fw, picker]) control.addEventListener("change", restart);
      show(null);
    });
  },
};

/** The chosen engagement's period and scope above its gaps, with a link to its page. */
function engagementScope(e: EngagementScope, frameworks: readonly Framework[]): HTMLElement {
  const framework = frameworks.find((f) => f.id === e.framework)?.name ?? e.framework;
  return h(
    "div",
    { "data-engagement": e.id },
    h(
      "p",
      null,
      h("a", { href: engagementHash(e.id) }, h("strong", null, e.name)),
      ` · ${framework} · ${engagementWhen(e)}.`,
    ),
    h(
      "p",
      { class: "muted small" },
      `Categories in scope: ${e.categoriesInScope.join(", ") || "all"}. Boundary: ${boundaryWords(e.boundary)}.`,
    ),
  );
}

function legend(): HTMLElement {
  return h(
    "p",
    { class: "legend small" },
    h("span", { class: "swatch swatch-ok", "aria-hidden": "true" }),
    " evidence collected in the interval ",
    h("span", { class: "swatch swatch-observed", "aria-hidden": "true" }),
    " observed by a monitoring period ",
    h("span", { class: "swatch swatch-gap", "aria-hidden": "true" }),
    " gap (no accepted evidence)",
  );
}

const SEGMENT_CLASS: Readonly<Record<TimelineSegment["kind"], string>> = {
  gap: "seg-gap",
  observed: "seg-observed",
  collected: "seg-ok",
  evidenced: "seg-ok",
};
/** Runs listed in words under a bar; a bar with more says how many it leaves out. */
const RUNS_LISTED = 8;

function timelineRow(cp: ControlPeriod, start: string, end: string): HTMLElement {
  const evidence = cp.control?.evidence.edges.map((e) => e.node) ?? [];
  const segments = timelineSegments(cp.intervals, start, end, WIDTH, evidence);
  const share = gapShare(cp.intervals);
  const label = `${cp.controlId}: ${cp.gaps} of ${plural(cp.intervals.length, `${cp.frequency} interval`)} ${cp.gaps === 1 ? "is a gap" : "are gaps"} (${share}%)`;
  const span = (seg: TimelineSegment): string => `${formatDate(seg.start)} → ${formatDate(seg.end)}`;
  const bar = svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      preserveAspectRatio: "none",
      class: "timeline",
      role: "img",
      "aria-label": label,
    },
    segments.map((s) =>
      svg(
        "rect",
        {
          x: s.x.toFixed(2),
          y: 0,
          width: Math.max(s.width, 0.5).toFixed(2),
          height: HEIGHT,
          class: SEGMENT_CLASS[s.kind],
          "data-gap": s.isGap ? "1" : "0",
          "data-kind": s.kind,
        },
        svg("title", {}, `${span(s)}: ${s.label}`),
      ),
    ),
  );
  // The same runs in words, for readers who cannot hover a bar (and for screen readers).
  const runs = h(
    "ul",
    { class: "operations muted small", "aria-label": `How ${cp.controlId}'s intervals were operated` },
    segments.slice(0, RUNS_LISTED).map((s) =>
      h(
        "li",
        {
          "data-kind": s.kind,
          "data-observed-by": s.operation.observedBy.join(" ") || undefined,
        },
        `${span(s)}: ${s.label}`,
      ),
    ),
    segments.length > RUNS_LISTED ? h("li", null, `and ${plural(segments.length - RUNS_LISTED, "more run")}`) : null,
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
        h("span", { class: cp.gaps ? "bad" : "good" }, `${cp.gaps} gap${cp.gaps === 1 ? "" : "s"}`),
        ` of ${cp.intervals.length}`,
      ),
    ),
    bar,
    runs,
  );
}

function axis(start: string, end: string): HTMLElement {
  const ticks = monthTicks(start, end, WIDTH);
  return h(
    "div",
    { class: "timeline-row timeline-axis", "aria-hidden": "true" },
    h("div", { class: "timeline-label" }),
    h(
      "div",
      { class: "axis" },
      ticks.map((t) => h("span", { style: { left: `${(t.x / WIDTH) * 100}%` } }, t.label.slice(2))),
    ),
  );
}
