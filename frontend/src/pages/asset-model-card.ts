/**
 * The asset page's "Model card" section: what the model's CycloneDX ML-BOM says of it (approach,
 * task, datasets, performance metrics, considerations). Hidden for an asset without a card.
 */
import { fetchModelCard, type ModelCard } from "../api/entities";
import { h, replace, type Child } from "../ui/dom";
import { facts } from "../ui/facts";
import { idLink } from "../ui/links";
import { scrollTable } from "../ui/widgets";
import { load } from "./page";

/** Load `asset`'s model card into `slot`; `card` (the section around it) is shown only when there is one. */
export function showModelCard(card: HTMLElement, slot: HTMLElement, asset: string, signal: AbortSignal): void {
  card.hidden = true;
  void load(
    slot,
    `the model card of ${asset}`,
    signal,
    () => fetchModelCard(asset, { signal }),
    (found) => {
      card.hidden = found === null;
      if (found) renderModelCard(slot, found);
    },
  );
}

const orNone = (text: string): Child => text || h("span", { class: "muted" }, "—");
const listed = (items: readonly string[]): Child =>
  items.length
    ? h(
        "ul",
        { class: "plain-list" },
        items.map((i) => h("li", null, i)),
      )
    : orNone("");

export function renderModelCard(slot: HTMLElement, card: ModelCard): void {
  replace(slot);
  const datasets = card.datasets.map((d) =>
    d.asset ? idLink("asset", d.asset, d.name || d.asset, { "data-select-asset": d.asset }) : d.name || d.ref,
  );
  slot.append(
    facts("Model parameters", [
      ["Approach", orNone(card.approach)],
      ["Task", orNone(card.task)],
      ["Architecture", orNone([card.architectureFamily, card.modelArchitecture].filter(Boolean).join(": "))],
      [
        "Datasets",
        datasets.length
          ? h(
              "ul",
              { class: "plain-list", "data-testid": "model-card-datasets" },
              datasets.map((d) => h("li", null, d)),
            )
          : orNone(""),
      ],
      ["Inputs", orNone(card.inputs.join(", "))],
      ["Outputs", orNone(card.outputs.join(", "))],
    ]),
  );
  if (card.performanceMetrics.length) {
    const rows = card.performanceMetrics.map((m) =>
      h(
        "tr",
        null,
        h("th", { scope: "row" }, m.type || "—"),
        h("td", null, m.value || "—"),
        h("td", null, m.slice || "all"),
        h("td", null, m.lowerBound || m.upperBound ? `${m.lowerBound || "?"} – ${m.upperBound || "?"}` : "—"),
      ),
    );
    slot.append(
      scrollTable("Performance metrics", ["Metric", "Value", "Slice", "Confidence interval"], rows, {
        "data-testid": "model-card-metrics",
      }),
    );
  }
  slot.append(
    facts("Considerations", [
      ["Users", listed(card.users)],
      ["Use cases", listed(card.useCases)],
      ["Technical limitations", listed(card.technicalLimitations)],
      ["Performance trade-offs", listed(card.performanceTradeoffs)],
      [
        "Ethical considerations",
        listed(
          card.ethicalConsiderations.map((e) =>
            e.mitigationStrategy ? `${e.name} — mitigation: ${e.mitigationStrategy}` : e.name,
          ),
        ),
      ],
    ]),
  );
  if (card.fairnessAssessments.length) {
    const rows = card.fairnessAssessments.map((f) =>
      h(
        "tr",
        null,
        h("th", { scope: "row" }, f.groupAtRisk || "—"),
        h("td", null, f.benefits || "—"),
        h("td", null, f.harms || "—"),
        h("td", null, f.mitigationStrategy || "—"),
      ),
    );
    slot.append(
      scrollTable("Fairness assessments", ["Group at risk", "Benefits", "Harms", "Mitigation"], rows, {
        "data-testid": "model-card-fairness",
      }),
    );
  }
}
