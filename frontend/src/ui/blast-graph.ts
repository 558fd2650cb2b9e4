/**
 * The blast-radius drawing (Cytoscape.js, loaded on demand). Nodes sit on distance rings from
 * shape/rings; the drawn node ids are mirrored in data attributes so tests and assistive
 * technology can read what the canvas shows.
 */
import type { Core } from "cytoscape";
import { ringLayout, type RingEdge, type RingNode } from "../shape/rings";
import { h } from "./dom";

export interface GraphNode extends RingNode {
  label: string;
  kind: string;
}

const KIND_COLOUR: Record<string, string> = {
  MODEL: "#7c3aed",
  DATASET: "#0f766e",
  ENDPOINT: "#c2410c",
  PIPELINE: "#1d4ed8",
  INFRASTRUCTURE: "#475569",
  SERVICE: "#be185d",
  REPOSITORY: "#4d7c0f",
};

export function kindColour(kind: string): string {
  return KIND_COLOUR[kind] ?? "#334155";
}

export interface BlastGraphHandle {
  element: HTMLElement;
  ready: Promise<Core | null>;
  destroy(): void;
}

export function blastGraph(nodes: GraphNode[], edges: RingEdge[], onSelect: (id: string) => void): BlastGraphHandle {
  const canvas = h("div", { class: "graph-canvas" });
  const element = h(
    "figure",
    { class: "graph", "data-testid": "blast-graph", "data-node-count": nodes.length },
    canvas,
    h(
      "figcaption",
      { class: "muted small" },
      "Rings: distance in dependency hops from the chosen asset (centre). Arrows point from an asset to what it depends on. Select a node to explore it.",
    ),
  );
  let cy: Core | null = null;
  let destroyed = false;
  const ready = import("cytoscape").then(({ default: cytoscape }) => {
    if (destroyed) return null;
    const positions = ringLayout(nodes, edges, { step: 150, minGap: 150, twist: Math.PI / 12 });
    const maxRing = Math.max(0, ...nodes.map((n) => n.distance));
    const rings = Array.from({ length: maxRing }, (_, i) => i + 1)
      .map((ring) => {
        const onRing = nodes.filter((n) => n.distance === ring).map((n) => positions.get(n.id)!);
        return { ring, radius: onRing.length ? Math.hypot(onRing[0]!.x, onRing[0]!.y) : 0 };
      })
      .filter((r) => r.radius > 0);
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
          position: { x: positions.get(n.id)!.x, y: positions.get(n.id)!.y },
          classes: n.distance === 0 ? "centre" : "asset",
        })),
        ...edges.map((e) => ({
          group: "edges" as const,
          data: { id: `${e.source}->${e.target}`, source: e.source, target: e.target },
        })),
      ],
      layout: { name: "preset", fit: true, padding: 30 },
      style: [
        {
          selector: "node.asset, node.centre",
          style: {
            "background-color": "data(colour)",
            label: "data(label)",
            "font-size": 22,
            "min-zoomed-font-size": 6,
            "text-valign": "bottom",
            "text-margin-y": 4,
            "text-wrap": "wrap",
            "text-max-width": "190px",
            color: "#0f172a",
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.8,
            "text-background-padding": "1px",
            width: 34,
            height: 34,
          },
        },
        {
          selector: "node.centre",
          style: { width: 50, height: 50, "border-width": 6, "border-color": "#facc15", "font-weight": "bold" },
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
            width: 1.5,
            "line-color": "#94a3b8",
            "target-arrow-color": "#94a3b8",
            "target-arrow-shape": "triangle",
            "curve-style": "bezier",
            "arrow-scale": 0.8,
          },
        },
      ],
      boxSelectionEnabled: false,
      autoungrabify: true,
    });
    cy.on("tap", "node.asset", (event) => onSelect(event.target.id() as string));
    const drawn = cy
      .nodes(".asset, .centre")
      .map((n) => n.id())
      .sort();
    element.dataset.nodeIds = drawn.join(" ");
    element.dataset.edgeCount = String(cy.edges().length);
    element.dataset.ready = "true";
    (element as HTMLElement & { __cy?: Core }).__cy = cy;
    const resize = new ResizeObserver(() => {
      cy?.resize();
      cy?.fit(undefined, 30);
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
