/**
 * The blast radius as a list, beside its drawing: the same assets by distance with what each
 * depends on, and the same optional layers (controls applying to them, vendors providing them).
 * Every name is a link, so the whole radius can be walked from the keyboard.
 */
import type { LayerEdge, LayerNode } from "../shape/blast-view";
import type { RingEdge } from "../shape/rings";
import { plural } from "../shape/words";
import { LAYER_TITLE, type GraphNode, type Layer } from "./blast-graph";
import { h } from "./dom";
import { idLink } from "./links";

export interface BlastListHandle {
  element: HTMLElement;
  showLayer(layer: Layer, shown: boolean): void;
}

export function blastList(
  nodes: readonly GraphNode[],
  edges: readonly RingEdge[],
  layerNodes: readonly LayerNode[],
  layerEdges: readonly LayerEdge[],
): BlastListHandle {
  const names = new Map<string, string>([...nodes, ...layerNodes].map((n) => [n.id, n.label]));
  const assetLink = (id: string): HTMLElement => idLink("asset", id, names.get(id) ?? id, { "data-select-asset": id });
  const joined = (ids: readonly string[], item: (id: string) => HTMLElement | string): (HTMLElement | string)[] =>
    ids.flatMap((id, i) => (i === 0 ? [item(id)] : [", ", item(id)]));
  const dependsOn = (id: string): string[] => edges.filter((e) => e.source === id).map((e) => e.target);
  const distances = [...new Set(nodes.map((n) => n.distance))].sort((a, b) => a - b);

  const layerSections = new Map<Layer, HTMLElement>();
  for (const layer of ["control", "vendor"] as const) {
    const list = layerNodes.filter((n) => n.layer === layer);
    if (list.length === 0) continue;
    // Control → asset it applies to; asset → vendor providing it.
    const linked = (id: string): string[] =>
      layerEdges
        .filter((e) => e.layer === layer && (layer === "control" ? e.source === id : e.target === id))
        .map((e) => (layer === "control" ? e.target : e.source));
    layerSections.set(
      layer,
      h(
        "section",
        { "data-layer": layer, hidden: true },
        h("h4", null, `${LAYER_TITLE[layer]} (${list.length})`),
        h(
          "ul",
          null,
          list.map((n) =>
            h(
              "li",
              { [`data-${layer}`]: n.id },
              idLink(layer, n.id, h("strong", null, n.label)),
              h("span", { class: "muted small" }, layer === "control" ? " applies to " : " provides "),
              joined(linked(n.id), assetLink),
            ),
          ),
        ),
      ),
    );
  }

  const element = h(
    "nav",
    { class: "graph-list", "aria-label": "The blast radius as a list", "data-testid": "blast-list" },
    h("h3", null, "As a list"),
    distances.map((d) =>
      h(
        "section",
        { "data-distance": d },
        h("h4", null, d === 0 ? "The asset" : `${plural(d, "hop")} away`),
        h(
          "ul",
          null,
          nodes
            .filter((n) => n.distance === d)
            .map((n) => {
              const deps = dependsOn(n.id);
              return h(
                "li",
                { "data-asset": n.id, "data-distance": n.distance },
                assetLink(n.id),
                h("span", { class: "muted small" }, ` ${n.kind.toLowerCase()}`),
                deps.length ? h("div", { class: "small" }, "→ depends on ", joined(deps, assetLink)) : null,
              );
            }),
        ),
      ),
    ),
    [...layerSections.values()],
  );
  return {
    element,
    showLayer(layer, shown) {
      const section = layerSections.get(layer);
      if (section) section.hidden = !shown;
    },
  };
}
