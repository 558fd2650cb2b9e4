/**
 * The blast-radius drawing (Cytoscape.js, loaded on demand). Nodes sit on distance rings from
 * shape/rings; edges are arrows (dependent → dependency); labels face away from the centre and
 * are drawn at one on-screen size whatever the zoom; controls and vendors are optional layers on
 * the outer rings. The drawn node ids are mirrored in data attributes so tests and assistive
 * technology can read what the canvas shows (the list view beside it says the same in words).
 */
import type { Core, StylesheetJson } from "cytoscape";
import { fitViewport, kindsDrawn, labelFontSize, labelSide, type LayerEdge, type LayerNode } from "../shape/blast-view";
import { ringLayout, type RingEdge, type RingNode } from "../shape/rings";
import { h } from "./dom";

export interface GraphNode extends RingNode {
  label: string;
  kind: string;
}

export type Layer = LayerNode["layer"];

const KIND_COLOUR: Record<string, string> = {
  MODEL: "#7c3aed",
  DATASET: "#0f766e",
  ENDPOINT: "#c2410c",
  PIPELINE: "#1d4ed8",
  INFRASTRUCTURE: "#475569",
  SERVICE: "#be185d",
  REPOSITORY: "#4d7c0f",
};
export const KIND_ORDER = Object.keys(KIND_COLOUR);

export const LAYER_COLOUR: Record<Layer, string> = { control: "#0b5c8a", vendor: "#a16207" };
export const LAYER_TITLE: Record<Layer, string> = { control: "Controls", vendor: "Vendors" };

export function kindColour(kind: string): string {
  return KIND_COLOUR[kind] ?? "#334155";
}

export interface BlastGraphHandle {
  element: HTMLElement;
  ready: Promise<Core | null>;
  destroy(): void;
}

export interface BlastGraphInput {
  nodes: GraphNode[];
  edges: RingEdge[];
  layerNodes: LayerNode[];
  layerEdges: LayerEdge[];
}

/** Text a label wraps at, in screen pixels (turned into the graph's units at each zoom). */
const LABEL_WIDTH_PX = 170;

const STYLE: StylesheetJson = [
  {
    selector: "node.asset, node.centre, node.layer",
    style: {
      label: "data(label)",
      "font-size": 13,
      "min-zoomed-font-size": 0,
      "text-wrap": "wrap",
      "text-max-width": `${LABEL_WIDTH_PX}px`,
      color: "#0f172a",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
      "text-background-padding": "2px",
      "z-index": 10,
    },
  },
  { selector: "node.asset, node.centre", style: { "background-color": "data(colour)", width: 34, height: 34 } },
  {
    selector: "node.centre",
    style: { width: 50, height: 50, "border-width": 6, "border-color": "#facc15", "font-weight": "bold" },
  },
  { selector: "node.label-top", style: { "text-valign": "top", "text-halign": "center", "text-margin-y": -4 } },
  { selector: "node.label-bottom", style: { "text-valign": "bottom", "text-halign": "center", "text-margin-y": 4 } },
  { selector: "node.label-left", style: { "text-valign": "center", "text-halign": "left", "text-margin-x": -4 } },
  { selector: "node.label-right", style: { "text-valign": "center", "text-halign": "right", "text-margin-x": 4 } },
  {
    selector: "node.layer-control",
    style: { shape: "round-rectangle", "background-color": LAYER_COLOUR.control, width: 26, height: 20 },
  },
  {
    selector: "node.layer-vendor",
    style: { shape: "diamond", "background-color": LAYER_COLOUR.vendor, width: 28, height: 28 },
  },
  {
    selector: "node.ring",
    style: {
      width: "data(size)",
      height: "data(size)",
      "background-opacity": 0,
      "border-width": 1,
      "border-color": "#cbd5e1",
      "border-style": "dashed",
      label: "",
      events: "no",
      "z-index": 0,
    },
  },
  { selector: "node:selected", style: { "border-width": 3, "border-color": "#0ea5e9" } },
  {
    selector: "edge",
    style: {
      width: 2,
      "line-color": "#64748b",
      "target-arrow-color": "#64748b",
      "target-arrow-shape": "triangle",
      "target-arrow-fill": "filled",
      "arrow-scale": 1.5,
      "curve-style": "bezier",
    },
  },
  { selector: "edge.layer", style: { "line-style": "dashed", width: 1.5, "arrow-scale": 1.2 } },
  {
    selector: "edge.layer-control",
    style: { "line-color": LAYER_COLOUR.control, "target-arrow-color": LAYER_COLOUR.control },
  },
  {
    selector: "edge.layer-vendor",
    style: { "line-color": LAYER_COLOUR.vendor, "target-arrow-color": LAYER_COLOUR.vendor },
  },
  { selector: ".hidden", style: { display: "none" } },
];

export function blastGraph(
  input: BlastGraphInput,
  onSelect: (id: string) => void,
  onLayer: (layer: Layer, shown: boolean) => void = () => undefined,
): BlastGraphHandle {
  const { nodes, edges, layerNodes, layerEdges } = input;
  const canvas = h("div", { class: "graph-canvas" });
  const shown: Record<Layer, boolean> = { control: false, vendor: false };
  const toggles = (["control", "vendor"] as const)
    .filter((layer) => layerNodes.some((n) => n.layer === layer))
    .map((layer) => {
      const box = h("input", { type: "checkbox", name: `layer-${layer}`, id: `layer-${layer}` });
      box.addEventListener("change", () => setLayer(layer, box.checked));
      const count = layerNodes.filter((n) => n.layer === layer).length;
      return h(
        "span",
        { class: "layer-toggle" },
        box,
        h(
          "label",
          { for: `layer-${layer}` },
          h("span", { class: `legend-shape shape-${layer}`, "aria-hidden": "true" }),
          ` ${LAYER_TITLE[layer]} (${count})`,
        ),
      );
    });
  const zoomBy = (factor: number): void => {
    if (!cy) return;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };
  const button = (text: string, label: string, action: () => void): HTMLElement => {
    const b = h("button", { type: "button", class: "button button-secondary button-small", "aria-label": label }, text);
    b.addEventListener("click", action);
    return b;
  };
  const legend = h(
    "div",
    { class: "graph-legend", "data-testid": "graph-legend" },
    h(
      "ul",
      { "aria-label": "Asset kinds" },
      h(
        "li",
        { "data-legend": "centre" },
        h("span", { class: "dot dot-centre", "aria-hidden": "true" }),
        " the chosen asset",
      ),
      kindsDrawn(nodes, KIND_ORDER).map((k) =>
        h(
          "li",
          { "data-kind": k.kind },
          h("span", { class: "dot", style: { background: kindColour(k.kind) }, "aria-hidden": "true" }),
          ` ${k.kind.toLowerCase()} (${k.count})`,
        ),
      ),
      h("li", { "data-legend": "arrow" }, h("span", { "aria-hidden": "true" }, "→"), " depends on"),
    ),
    toggles.length ? h("fieldset", { class: "graph-layers" }, h("legend", null, "Layers"), toggles) : null,
    h(
      "div",
      { class: "graph-zoom", role: "group", "aria-label": "Zoom" },
      button("+", "Zoom in", () => zoomBy(1.25)),
      button("−", "Zoom out", () => zoomBy(0.8)),
      button("Fit", "Fit the drawing", () => fit()),
    ),
  );
  const element = h(
    "figure",
    { class: "graph", "data-testid": "blast-graph", "data-node-count": nodes.length },
    legend,
    canvas,
    h(
      "figcaption",
      { class: "muted small" },
      "Rings: distance in dependency hops from the chosen asset (centre). Arrows point from an asset to what it depends on. Select a node to explore it; the list beside says the same.",
    ),
  );
  let cy: Core | null = null;
  let destroyed = false;

  // Labels drawn at one on-screen size: the graph's font size follows the zoom.
  const sizeLabels = (): void => {
    if (!cy) return;
    const zoom = cy.zoom();
    cy.batch(() =>
      cy!.nodes(".asset, .centre, .layer").style({
        "font-size": labelFontSize(zoom),
        "text-max-width": `${LABEL_WIDTH_PX / zoom}px`,
        "text-background-padding": `${2 / zoom}px`,
      }),
    );
    element.dataset.zoom = zoom.toFixed(4);
  };
  const fit = (): void => {
    if (!cy) return;
    const box = cy.elements(":visible").boundingBox({ includeLabels: false });
    const width = cy.width();
    const height = cy.height();
    // Room for labels: beside (they may run LABEL_WIDTH_PX wide) and above and below.
    const padX = Math.min(LABEL_WIDTH_PX * 0.6, width * 0.15);
    cy.viewport(fitViewport(box, width, height, padX, 36, cy.minZoom(), Math.min(cy.maxZoom(), 1.5)));
    sizeLabels();
  };
  const setLayer = (layer: Layer, on: boolean): void => {
    shown[layer] = on;
    cy?.elements(`.layer-${layer}`).toggleClass("hidden", !on);
    // An asset → vendor edge shows only with its vendor; a control → asset edge only with its control.
    element.dataset.layers = (Object.keys(shown) as Layer[]).filter((l) => shown[l]).join(" ");
    fit();
    onLayer(layer, on);
  };

  const ready = import("cytoscape").then(({ default: cytoscape }) => {
    if (destroyed) return null;
    const maxRing = Math.max(0, ...nodes.map((n) => n.distance));
    // The layers ride outside the asset rings, each near the assets it links to.
    const layerRing = (layer: Layer): number => maxRing + (layer === "control" ? 1 : 2);
    const positions = ringLayout(
      [...nodes, ...layerNodes.map((n) => ({ id: n.id, distance: layerRing(n.layer) }))],
      [...edges, ...layerEdges],
      { step: 150, minGap: 150, twist: Math.PI / 12 },
    );
    const rings = Array.from({ length: maxRing }, (_, i) => i + 1)
      .map((ring) => {
        const onRing = nodes.filter((n) => n.distance === ring).map((n) => positions.get(n.id)!);
        return { ring, radius: onRing.length ? Math.hypot(onRing[0]!.x, onRing[0]!.y) : 0 };
      })
      .filter((r) => r.radius > 0);
    const at = (id: string): { x: number; y: number } => ({ x: positions.get(id)!.x, y: positions.get(id)!.y });
    const side = (id: string): string => {
      const p = positions.get(id)!;
      return `label-${labelSide(p.x, p.y)}`;
    };
    cy = cytoscape({
      container: canvas,
      elements: [
        ...rings.map((r) => ({
          group: "nodes" as const,
          data: { id: `__ring-${r.ring}`, ring: r.ring, label: `${r.ring}`, size: r.radius * 2 },
          position: { x: 0, y: 0 },
          classes: "ring",
          selectable: false,
          grabbable: false,
        })),
        ...nodes.map((n) => ({
          group: "nodes" as const,
          data: { id: n.id, label: n.label, kind: n.kind, distance: n.distance, colour: kindColour(n.kind) },
          position: at(n.id),
          classes: `${n.distance === 0 ? "centre" : "asset"} ${side(n.id)}`,
        })),
        ...layerNodes.map((n) => ({
          group: "nodes" as const,
          data: { id: n.id, label: n.label, layer: n.layer },
          position: at(n.id),
          classes: `layer layer-${n.layer} hidden ${side(n.id)}`,
        })),
        ...edges.map((e) => ({
          group: "edges" as const,
          data: { id: `${e.source}->${e.target}`, source: e.source, target: e.target },
          classes: "depends",
        })),
        ...layerEdges.map((e) => ({
          group: "edges" as const,
          data: { id: `${e.layer}:${e.source}->${e.target}`, source: e.source, target: e.target },
          classes: `layer layer-${e.layer} hidden`,
        })),
      ],
      layout: { name: "preset", fit: false },
      style: STYLE,
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autoungrabify: true,
    });
    cy.on("tap", "node.asset", (event) => onSelect(event.target.id() as string));
    cy.on("zoom", sizeLabels);
    fit();
    const drawn = cy
      .nodes(".asset, .centre")
      .map((n) => n.id())
      .sort();
    element.dataset.nodeIds = drawn.join(" ");
    element.dataset.edgeCount = String(cy.edges(".depends").length);
    element.dataset.ready = "true";
    (element as HTMLElement & { __cy?: Core }).__cy = cy;
    const resize = new ResizeObserver(() => {
      cy?.resize();
      fit();
    });
    resize.observe(canvas);
    cy.one("destroy", () => resize.disconnect());
    return cy;
  });
  return {
    element,
    ready,
    destroy() {
      destroyed = true;
      cy?.destroy();
      cy = null;
    },
  };
}
