/**
 * 3. Asset explorer: search assets, draw one's blast radius in distance rings, list what it touches,
 * its change history and its scanner findings.
 */
import { plural } from "../shape/words";
import { fetchBlastRadius, listAssets } from "../api/queries";
import type { AssetKind, AssetSummary } from "../api/types";
import { buildHash } from "../router";
import { searchAssets } from "../shape/assets";
import { kindColour, type BlastGraphHandle } from "../ui/blast-graph";
import { h, replace } from "../ui/dom";
import { emptyState } from "../ui/states";
import { field, pageHeader, select } from "../ui/widgets";
import { showFindings } from "./asset-findings";
import { showHistory } from "./asset-history";
import { showModelCard } from "./asset-model-card";
import { renderBlast } from "./blast-radius";
import { load, type Page } from "./page";

const RESULTS_PAGE = 12;
const KINDS: readonly AssetKind[] = [
  "MODEL",
  "DATASET",
  "ENDPOINT",
  "PIPELINE",
  "INFRASTRUCTURE",
  "SERVICE",
  "REPOSITORY",
];
const isKind = (value: string): value is AssetKind => (KINDS as readonly string[]).includes(value);

export const assetsPage: Page = {
  title: "Asset explorer",
  render(ctx) {
    const params = ctx.route.params;
    const search = h("input", {
      type: "search",
      name: "q",
      value: params.q ?? "",
      placeholder: "name, id or owner",
      autocomplete: "off",
    });
    const kind = select(
      "kind",
      [{ value: "", label: "Any kind" }, ...KINDS.map((k) => ({ value: k, label: k.toLowerCase() }))],
      params.kind ?? "",
    );
    const depth = select(
      "depth",
      [
        { value: "", label: "Unlimited" },
        ...[1, 2, 3, 4, 5].map((d) => ({ value: String(d), label: `${d} hop${d > 1 ? "s" : ""}` })),
      ],
      params.depth ?? "",
    );
    const results = h("div", { class: "asset-results", "data-testid": "asset-results" });
    const detail = h("div", { class: "blast", "data-testid": "blast", tabindex: "-1" });
    const history = h("div", { class: "asset-history", "data-testid": "asset-history" });
    const historyCard = h("section", { class: "card", "aria-label": "Change history", hidden: true }, history);
    const modelCard = h("div", { class: "model-card", "data-testid": "model-card" });
    const modelCardSection = h(
      "section",
      { class: "card", "aria-labelledby": "model-card-title", hidden: true },
      h("h2", { id: "model-card-title" }, "Model card"),
      modelCard,
    );
    const findings = h("div", { class: "asset-findings", "data-testid": "findings" });
    const findingsCard = h("section", { class: "card", "aria-label": "Findings", hidden: true }, findings);
    const split = h(
      "div",
      { class: "split" },
      h("section", { class: "card asset-search", "aria-label": "Assets" }, results),
      h("section", { class: "card blast-card", "aria-label": "Blast radius" }, detail),
    );
    const form = h(
      "form",
      { class: "toolbar", role: "search", "aria-label": "Find an asset" },
      field("Search assets", search),
      field("Kind", kind),
      field("Blast radius depth", depth),
    );
    form.addEventListener("submit", (e) => e.preventDefault());
    ctx.root.append(
      pageHeader(
        "Asset explorer",
        "Find an asset and see its blast radius: every asset depending on it, and the controls, criteria, frameworks, vendors and evidence they touch.",
      ),
      form,
      // Above the blast radius, whose lists run long: a change is what makes that radius matter.
      historyCard,
      modelCardSection,
      split,
      // Below the radius: what the scanners found on this asset itself.
      findingsCard,
    );

    let all: AssetSummary[] = [];
    let shown = RESULTS_PAGE;
    let graph: BlastGraphHandle | null = null;
    ctx.signal.addEventListener("abort", () => graph?.destroy());

    const renderResults = (): void => {
      const matches = searchAssets(all, search.value);
      replace(results);
      results.append(
        h(
          "p",
          { class: "muted small", role: "status", "data-testid": "asset-count" },
          `${matches.length} of ${plural(all.length, "asset")}`,
        ),
      );
      if (matches.length === 0) {
        results.append(emptyState(all.length ? "No asset matches." : "There are no assets yet."));
        return;
      }
      const chosen = currentAsset();
      results.append(
        h(
          "ul",
          { class: "asset-list" },
          matches.slice(0, shown).map((a) =>
            h(
              "li",
              { "data-asset": a.id },
              h(
                "a",
                {
                  href: buildHash("assets", null, { ...paramsNow(), asset: a.id }),
                  "data-select-asset": a.id,
                  "aria-current": a.id === chosen ? "true" : null,
                },
                h("span", { class: "dot", style: { background: kindColour(a.kind) }, "aria-hidden": "true" }),
                h("span", null, a.name, h("span", { class: "muted small" }, ` ${a.kind.toLowerCase()} · ${a.id}`)),
              ),
            ),
          ),
        ),
      );
      if (matches.length > shown) {
        const more = h(
          "button",
          { type: "button", class: "button button-secondary" },
          `Show more (${matches.length - shown} left)`,
        );
        more.addEventListener("click", () => {
          const first = shown;
          shown += RESULTS_PAGE;
          renderResults();
          (results.querySelectorAll("li a")[first] as HTMLElement | undefined)?.focus();
        });
        results.append(more);
      }
    };

    const paramsNow = (): Record<string, string | null> => ({
      q: search.value || null,
      kind: kind.value || null,
      depth: depth.value || null,
      asset: currentAsset(),
      change: targetChange,
    });
    let selected: string | null = params.asset ?? null;
    // A link from the impact page names the change just recorded; choosing another asset drops it.
    let targetChange: string | null = params.change ?? null;
    const currentAsset = (): string | null => selected;

    const loadAssets = (): void => {
      shown = RESULTS_PAGE;
      void load(
        results,
        "assets",
        ctx.signal,
        () => listAssets(isKind(kind.value) ? kind.value : null, { signal: ctx.signal }),
        ({ nodes }) => {
          all = nodes;
          renderResults();
        },
      );
    };

    const showBlast = (): void => {
      graph?.destroy();
      graph = null;
      split.classList.toggle("has-selection", !!selected);
      findingsCard.hidden = true;
      if (!selected) {
        replace(detail, emptyState("Choose an asset to see its blast radius."));
        replace(findings);
        return;
      }
      const asset = selected;
      const maxDepth = depth.value ? Number(depth.value) : null;
      void load(
        detail,
        `the blast radius of ${asset}`,
        ctx.signal,
        () => fetchBlastRadius(asset, maxDepth, { signal: ctx.signal }),
        (br) => {
          graph = renderBlast(detail, br, ctx, chooseAsset);
          // Only now, below the drawn radius: shown earlier, the card would jump down as the radius arrived.
          showAssetFindings(asset);
        },
      );
    };

    const showAssetHistory = (): void => {
      historyCard.hidden = !selected;
      if (selected) showHistory(history, selected, ctx.signal, targetChange);
      else replace(history);
      if (selected) showModelCard(modelCardSection, modelCard, selected, ctx.signal);
      else modelCardSection.hidden = true;
    };

    // Shown once loaded, and only for an asset with findings: the radius's counts already say "none".
    const showAssetFindings = (asset: string): void => {
      showFindings(findings, asset, ctx.signal, (total) => {
        findingsCard.hidden = total === 0;
      });
    };

    const chooseAsset = (id: string): void => {
      selected = id;
      targetChange = null;
      ctx.setParams(paramsNow(), true);
      renderResults();
      showBlast();
      showAssetHistory();
      detail.focus();
    };
    // Same-page asset links select without reloading the page (new-tab clicks still follow the href).
    ctx.root.addEventListener("click", (event) => {
      const mouse = event as MouseEvent;
      if (mouse.button !== 0 || mouse.metaKey || mouse.ctrlKey || mouse.shiftKey || mouse.altKey) return;
      const link = (event.target as Element).closest<HTMLAnchorElement>("a[data-select-asset]");
      if (!link) return;
      event.preventDefault();
      chooseAsset(link.dataset.selectAsset!);
    });

    search.addEventListener("input", () => {
      shown = RESULTS_PAGE;
      ctx.setParams(paramsNow());
      renderResults();
    });
    kind.addEventListener("change", () => {
      ctx.setParams(paramsNow());
      loadAssets();
    });
    depth.addEventListener("change", () => {
      ctx.setParams(paramsNow());
      showBlast();
    });
    loadAssets();
    showBlast();
    showAssetHistory();
  },
};
