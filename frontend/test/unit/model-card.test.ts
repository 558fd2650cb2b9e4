// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import type { ModelCard } from "../../src/api/entities";
import { renderModelCard } from "../../src/pages/asset-model-card";

const CARD: ModelCard = {
  approach: "supervised",
  task: "classification",
  architectureFamily: "gradient-boosted trees",
  modelArchitecture: "",
  inputs: ["application/json"],
  outputs: [],
  datasets: [
    { name: "Loan history", ref: "ds-loans", asset: "ds-loans" },
    { name: "Bureau snapshot (inline)", ref: "", asset: null },
  ],
  performanceMetrics: [],
  users: [],
  useCases: ["Ranking applications"],
  technicalLimitations: [],
  performanceTradeoffs: [],
  ethicalConsiderations: [{ name: "Proxy discrimination", mitigationStrategy: "Postcode removed" }],
  fairnessAssessments: [],
};

describe("model card", () => {
  it("links only the datasets matched to assets and leaves out empty tables", () => {
    const slot = document.createElement("div");
    renderModelCard(slot, CARD);
    const links = [...slot.querySelectorAll<HTMLAnchorElement>('[data-testid="model-card-datasets"] a')];
    expect(links.map((a) => [a.dataset.id, a.textContent])).toEqual([["ds-loans", "Loan history"]]);
    expect(slot.querySelector('[data-testid="model-card-datasets"]')!.textContent).toContain(
      "Bureau snapshot (inline)",
    );
    expect(slot.querySelector('[data-testid="model-card-metrics"]')).toBeNull();
    expect(slot.querySelector('[data-testid="model-card-fairness"]')).toBeNull();
    expect(slot.textContent).toContain("gradient-boosted trees");
    expect(slot.textContent).toContain("Proxy discrimination — mitigation: Postcode removed");
  });
});
