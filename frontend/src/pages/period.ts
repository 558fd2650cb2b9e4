/**
 * 5. Type II period view: over a period, each control's expected evidence intervals, gaps counted.
 * The period is the current Type II engagement's (scoped to it) by default, or a custom one (the
 * last 12 months by default). Controls are grouped by domain with their gap counts; an opened
 * domain shows each control's months.
 */
import { fetchEngagementGapGroup, fetchEngagementGaps, listEngagements } from "../api/engagements";
import { fetchEvidenceGapGroup, fetchEvidenceGaps } from "../api/queries";
import type { EngagementScope, EngagementSummary, Framework } from "../api/types";
import { engagementHash } from "../router";
import { CUSTOM_PERIOD, boundaryWords, engagementWhen, periodChoice, type2Engagements } from "../shape/engagement";
import { defaultPeriod, isDateInputValue, periodRange } from "../shape/dates";
import { orderFrameworks } from "../shape/coverage";
import { h, replace } from "../ui/dom";
import { emptyState } from "../ui/states";
import { field, frameworkOptions, pageHeader, select } from "../ui/widgets";
import { domainGroups, periodSummary, type GapsSummaryView, type GroupLoader } from "./period-groups";
import { load, type Page } from "./page";
import { gapsExportButton, type GapsSource } from "./period-export";

export const periodPage: Page = {
  title: "Type II period",
  render(ctx) {
    const p = ctx.route.params;
    const def = defaultPeriod(ctx.now());
    const form = h("form", { class: "toolbar", "aria-label": "Audit period" });
    const scope = h("div", { class: "period-scope", "data-testid": "period-scope" });
    const summary = h("div", { class: "period-summary", "aria-live": "polite" });
    const list = h("div", { class: "timelines", "data-testid": "timelines" });
    ctx.root.append(
      pageHeader(
        "Type II period",
        "Over an audit period, each control expects accepted evidence in every interval of its frequency, collected in it or observing it (a monitoring export's period); an interval without any is a gap.",
      ),
      form,
      h("section", { class: "card" }, scope, summary, list),
    );

    const loadChoices = (): Promise<[Framework[], EngagementSummary[]]> =>
      Promise.all([ctx.frameworks(), listEngagements({ signal: ctx.signal })]);
    void load(form, "frameworks and engagements", ctx.signal, loadChoices, ([frameworks, engagements]) => {
      const type2 = type2Engagements(engagements);
      const chosen = periodChoice(p, engagements, ctx.now());
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
        field(
          "Engagement",
          picker,
          "A Type II engagement's period and scope (the current one by default), or a custom period.",
        ),
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

      const render = (data: GapsSummaryView, loadGroup: GroupLoader): void => {
        replace(summary, periodSummary(data));
        if (data.controls.edges.length === 0) {
          replace(
            list,
            emptyState(
              gapsOnly.checked ? "No control has a gap in this period." : "No control is in scope for this period.",
            ),
          );
          return;
        }
        list.append(...domainGroups(data, loadGroup, ctx.signal));
      };

      const show = (): void => {
        const id = engagement();
        for (const f of custom) f.hidden = id !== null;
        replace(summary);
        if (id !== null) {
          replace(scope);
          ctx.setParams({ engagement: id, gapsOnly: gapsOnly.checked ? "1" : null });
          void load(
            list,
            "the engagement's gaps",
            ctx.signal,
            () => fetchEngagementGaps(id, gapsOnly.checked, { signal: ctx.signal }),
            (data) => {
              list.dataset.loaded = "true";
              if (!data) return void replace(list, emptyState(`There is no engagement ${id}.`));
              replace(scope, engagementScope(data, frameworks));
              if (!data.gaps) return void replace(list, emptyState("A Type I engagement has no period: no gaps."));
              render(data.gaps, (ids) => fetchEngagementGapGroup(id, ids, { signal: ctx.signal }));
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
        const framework = fw.value || null;
        void load(
          list,
          "the evidence gaps",
          ctx.signal,
          () => fetchEvidenceGaps(framework, range.start, range.end, gapsOnly.checked, { signal: ctx.signal }),
          (data) => {
            render(data, (ids) =>
              fetchEvidenceGapGroup(framework, range.start, range.end, ids, { signal: ctx.signal }),
            );
            list.dataset.loaded = "true";
          },
        );
      };

      form.addEventListener("submit", (e) => {
        e.preventDefault();
        show();
      });
      for (const control of [gapsOnly, fw, picker]) control.addEventListener("change", show);
      show();
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
