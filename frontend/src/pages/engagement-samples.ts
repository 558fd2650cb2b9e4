/**
 * The engagement page's populations and samples (Type II): per in-scope control its population
 * size and recorded sample with the drawn items, and the auditor's "Draw sample" form. A recorded
 * sample is shown as it is; drawing another needs "redraw" and a reason (both stay on record).
 */
import { plural } from "../shape/words";
import { drawSample, fetchPopulationSizes } from "../api/audit";
import type { EngagementDetail, InScopeControl, Sample, SampleItem } from "../api/types";
import { checkDraw, samplesByControl, unitWhen, type ControlSamples } from "../shape/audit";
import { formatDateTime } from "../shape/dates";
import { disclosure } from "../ui/disclosure";
import { h, replace, type Child } from "../ui/dom";
import { clearProblems, showProblems, showWriteError } from "../ui/form-errors";
import { field, scrollTable, sectionCard, select } from "../ui/widgets";
import { evidenceLink } from "../ui/evidence-link";
import { load, type PageContext } from "./page";
import { controlLink } from "../ui/links";

export interface SamplesState {
  samples: Sample[];
  /** Called after a draw recorded a sample, with every sample now recorded. */
  onChange(samples: Sample[]): void;
}

export function inScopeControls(e: EngagementDetail): InScopeControl[] {
  return e.gaps?.inScope.edges.map((edge) => edge.node) ?? [];
}

export function samplesCard(ctx: PageContext, e: EngagementDetail, state: SamplesState, mayDraw: boolean): HTMLElement {
  const controls = inScopeControls(e);
  if (e.kind !== "TYPE2" || controls.length === 0)
    return sectionCard(
      "samples-h",
      "Populations and samples",
      "engagement-samples",
      h("p", { class: "muted" }, "Only a Type II engagement's in-scope controls have populations to sample."),
    );
  const table = h("div", { "data-testid": "sample-table" });
  const card = sectionCard(
    "samples-h",
    "Populations and samples",
    "engagement-samples",
    h(
      "p",
      { class: "muted" },
      "Each in-scope control's population (its accepted, current evidence collected in the period, once per interval it operates) and the auditor's recorded sample.",
    ),
    // A row per in-scope control: folded by default so the page stays a few screens long.
    disclosure(`Populations and recorded samples (${plural(controls.length, "control")})`, "sample-table-fold", table),
  );
  let sizes = new Map<string, number>();
  const render = (): void => {
    const byControl = samplesByControl(state.samples);
    replace(
      table,
      scrollTable(
        "Populations and recorded samples per in-scope control",
        ["Control", "Frequency", "Population", "Recorded sample"],
        controls.map((c) => controlRow(c, sizes.get(c.controlId), byControl.get(c.controlId))),
        { "data-testid": "samples" },
      ),
    );
    table.dataset.loaded = "true";
  };
  void load(
    table,
    "the population sizes",
    ctx.signal,
    () =>
      fetchPopulationSizes(
        e.id,
        controls.map((c) => c.controlId),
        { signal: ctx.signal },
      ),
    (found) => {
      sizes = found;
      render();
    },
  );
  if (mayDraw)
    card.append(
      disclosure(
        "Draw sample",
        "draw-form-fold",
        drawForm(ctx, e, controls, state, () => {
          if (table.dataset.loaded) render();
        }),
      ),
    );
  return card;
}

function controlRow(
  c: InScopeControl,
  size: number | undefined,
  recorded: ControlSamples | undefined,
): HTMLTableRowElement {
  return h(
    "tr",
    {
      "data-control": c.controlId,
      "data-population": size ?? "",
      "data-sample": recorded?.current.id ?? "",
    },
    h(
      "th",
      { scope: "row" },
      controlLink(c.controlId),
      h("span", { class: "muted small title-rest" }, ` ${c.control?.title ?? ""}`),
    ),
    h("td", null, c.frequency.toLowerCase()),
    h("td", { class: "num", "data-testid": "population" }, size ?? "—"),
    h("td", null, recorded ? sampleCell(recorded) : h("span", { class: "muted" }, "not sampled")),
  );
}

function sampleCell({ current: s, earlier }: ControlSamples): Child[] {
  return [
    h(
      "p",
      { class: "small" },
      h("strong", null, `${s.size} of ${s.populationSize}`),
      " drawn with seed ",
      h("code", { "data-testid": "seed" }, s.seed),
      ", ",
      h("time", { datetime: s.drawnAt }, formatDateTime(s.drawnAt)),
      s.drawnBy ? ` by ${s.drawnBy}` : "",
      s.redrawOf ? [". Redraw of ", h("code", null, s.redrawOf), s.reason ? `: ${s.reason}` : ""] : "",
    ),
    s.items.length
      ? h(
          "ul",
          { class: "sample-items", "aria-label": `Drawn items of ${s.control}` },
          s.items.map((item) => itemEntry(item)),
        )
      : h("p", { class: "muted small" }, "The population was empty: nothing drawn."),
    earlier.length
      ? h("p", { class: "muted small" }, `Also recorded: ${earlier.map((x) => `${x.id} (seed ${x.seed})`).join(", ")}.`)
      : null,
  ];
}

function itemEntry(item: SampleItem): HTMLElement {
  const id = item.evidence?.id ?? item.key.split("@")[0] ?? item.key;
  return h(
    "li",
    { "data-key": item.key, "data-evidence": id },
    evidenceLink(id, item.evidence?.uri),
    item.evidence?.title ? h("span", { class: "muted" }, ` ${item.evidence.title}`) : null,
    h("span", { class: "small", "data-testid": "when" }, ` (${unitWhen(item)})`),
  );
}

function drawForm(
  ctx: PageContext,
  e: EngagementDetail,
  controls: readonly InScopeControl[],
  state: SamplesState,
  rerender: () => void,
): HTMLElement {
  const control = select(
    "control",
    controls.map((c) => ({ value: c.controlId, label: `${c.controlId} ${c.control?.title ?? ""}`.trim() })),
    controls[0]?.controlId ?? null,
  );
  control.dataset.field = "control";
  const seed = h("input", { type: "text", name: "seed", autocomplete: "off", "data-field": "seed" });
  const redraw = h("input", { type: "checkbox", name: "redraw", id: "draw-redraw", "data-field": "redraw" });
  const reason = h("textarea", { name: "reason", rows: 2, "data-field": "reason" });
  const recordedNote = h("p", { class: "hint small", "aria-live": "polite", "data-testid": "recorded-note" });
  const alert = h("div", { "data-testid": "draw-message" });
  const submit = h("button", { type: "submit", class: "button" }, "Draw sample");
  const reasonField = field("Why redraw", reason);
  const form = h(
    "form",
    { class: "audit-form", "aria-labelledby": "draw-h", "data-testid": "draw-form", novalidate: true },
    h("h3", { id: "draw-h" }, "Draw sample"),
    field("Control", control),
    recordedNote,
    field("Seed", seed, "The same seed on the same graph draws the same items."),
    h(
      "div",
      { class: "field field-check" },
      redraw,
      h("label", { for: "draw-redraw" }, "Redraw (the recorded sample stays)"),
    ),
    reasonField,
    h("div", { class: "toolbar" }, submit),
    alert,
  );
  const recorded = (): Sample | null => samplesByControl(state.samples).get(control.value)?.current ?? null;
  const sync = (): void => {
    const r = recorded();
    recordedNote.textContent = r
      ? `A sample is recorded for ${r.control} (seed ${r.seed}, ${r.size} of ${r.populationSize}): it is never redrawn silently.`
      : "";
    redraw.disabled = !r;
    if (!r) redraw.checked = false;
    reasonField.hidden = !redraw.checked;
  };
  control.addEventListener("change", sync);
  redraw.addEventListener("change", sync);
  sync();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const checked = checkDraw(
      { control: control.value, seed: seed.value, redraw: redraw.checked, reason: reason.value },
      recorded(),
    );
    if (!checked.ok) return showProblems(form, alert, checked.problems);
    clearProblems(form, alert);
    submit.disabled = true;
    drawSample({ engagement: e.id, ...checked.value }, { signal: ctx.signal }).then(
      (sample) => {
        submit.disabled = false;
        if (!state.samples.some((s) => s.id === sample.id)) state.samples = [...state.samples, sample];
        state.onChange(state.samples);
        replace(
          alert,
          h(
            "p",
            { class: "good", role: "status", "data-sample": sample.id },
            `Recorded sample ${sample.id}: ${sample.size} of ${plural(sample.populationSize, "item")} of ${sample.control}.`,
          ),
        );
        redraw.checked = false;
        reason.value = "";
        sync();
        rerender();
      },
      (error: unknown) => {
        submit.disabled = false;
        showWriteError(form, alert, error);
      },
    );
  });
  return form;
}
