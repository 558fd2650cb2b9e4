/**
 * What the blast-radius drawing and its list view show, as plain data: the optional layers
 * (controls applying to the affected assets, vendors providing them), where each label sits (away
 * from the centre), how large labels are drawn at a zoom, and the legend's kinds.
 */
import type { RingEdge } from "./rings";

export interface LayerNode {
  id: string;
  label: string;
  layer: "control" | "vendor";
}

export interface LayerEdge extends RingEdge {
  layer: "control" | "vendor";
}

/**
 * The layers' edges among what is drawn: control → asset it applies to, asset → vendor providing
 * it (the arrow reads "applies to" and "is provided by", as asset → asset reads "depends on").
 */
export function layerEdges(
  affected: readonly { assetId: string; controls: readonly string[]; vendors: readonly string[] }[],
  controlIds: ReadonlySet<string>,
  vendorIds: ReadonlySet<string>,
): LayerEdge[] {
  const edges: LayerEdge[] = [];
  for (const a of affected) {
    for (const c of new Set(a.controls))
      if (controlIds.has(c)) edges.push({ source: c, target: a.assetId, layer: "control" });
    for (const v of new Set(a.vendors))
      if (vendorIds.has(v)) edges.push({ source: a.assetId, target: v, layer: "vendor" });
  }
  return edges.sort(
    (a, b) => a.layer.localeCompare(b.layer) || a.source.localeCompare(b.source) || a.target.localeCompare(b.target),
  );
}

export type LabelSide = "top" | "bottom" | "left" | "right";

/**
 * Which side of a node its label goes: the side facing away from the centre (0, 0), so no label
 * reaches back over the centre node. The centre itself is labelled below.
 */
export function labelSide(x: number, y: number): LabelSide {
  if (Math.abs(x) < 1e-9 && Math.abs(y) < 1e-9) return "bottom";
  if (Math.abs(y) >= Math.abs(x)) return y < 0 ? "top" : "bottom";
  return x < 0 ? "left" : "right";
}

/** On-screen size of a label, in pixels, whatever the zoom. */
export const LABEL_PX = 13;

/**
 * The font size, in the graph's own units, that draws `px` pixels at `zoom`: Cytoscape scales
 * text with the zoom, so a fixed size shrinks to nothing on a wide radius and swells on a close one.
 */
export function labelFontSize(zoom: number, px = LABEL_PX): number {
  return zoom > 0 ? px / zoom : px;
}

/** The kinds drawn, in the given order, each with how many nodes have it (the legend's entries). */
export function kindsDrawn(
  nodes: readonly { kind: string }[],
  order: readonly string[],
): { kind: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
  const rank = (k: string): number => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  return [...counts.entries()]
    .map(([kind, count]) => ({ kind, count }))
    .sort((a, b) => rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind));
}

/** Items grouped by a key, groups in first-seen order unless sorted by `compare`. */
export function groupBy<T>(
  items: readonly T[],
  key: (t: T) => string,
  compare?: (a: string, b: string) => number,
): { key: string; items: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  const out = [...groups.entries()].map(([k, list]) => ({ key: k, items: list }));
  return compare ? out.sort((a, b) => compare(a.key, b.key)) : out;
}

export interface Box {
  x1: number;
  y1: number;
  w: number;
  h: number;
}

/**
 * The zoom and pan that fit `box` (the drawing without its labels) into a `width` × `height`
 * canvas with room around it for labels (`padX` beside, `padY` above and below). Labels are not
 * measured: they are drawn at one on-screen size, so fitting them would shrink the drawing
 * whenever the zoom had been small.
 */
export function fitViewport(
  box: Box,
  width: number,
  height: number,
  padX: number,
  padY: number,
  minZoom: number,
  maxZoom: number,
): { zoom: number; pan: { x: number; y: number } } {
  const fitted = Math.min((width - 2 * padX) / Math.max(box.w, 1), (height - 2 * padY) / Math.max(box.h, 1));
  const zoom = Math.min(maxZoom, Math.max(minZoom, fitted > 0 ? fitted : minZoom));
  return {
    zoom,
    pan: { x: width / 2 - zoom * (box.x1 + box.w / 2), y: height / 2 - zoom * (box.y1 + box.h / 2) },
  };
}
