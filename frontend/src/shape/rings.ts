/**
 * The blast-radius drawing: the changed asset in the centre, every affected asset on the ring
 * of its distance (hops along DEPENDS_ON), ordered around the ring to follow its dependencies.
 */

export interface RingNode {
  id: string;
  distance: number;
}

export interface RingEdge {
  /** The dependent asset (it depends on `target`). */
  source: string;
  target: string;
}

export interface RingPosition {
  x: number;
  y: number;
  ring: number;
  angle: number;
}

export interface RingOptions {
  /** Radius added per ring. */
  step?: number;
  /** Smallest arc between two neighbours on a ring; crowded rings grow past `step`. */
  minGap?: number;
  /** Rotation (radians) of each ring from 2 on, past where its nodes want to sit, to keep labels of rings apart. */
  twist?: number;
}

/** DEPENDS_ON edges among the affected assets (both ends must be drawn). */
export function blastEdges(nodes: readonly { assetId: string; dependsOn: readonly string[] }[]): RingEdge[] {
  const ids = new Set(nodes.map((n) => n.assetId));
  const edges: RingEdge[] = [];
  for (const n of nodes) {
    for (const dep of n.dependsOn) {
      if (ids.has(dep) && dep !== n.assetId) edges.push({ source: n.assetId, target: dep });
    }
  }
  return edges.sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
}

/** Nodes grouped by ring (distance), rings ascending, ids sorted inside each ring. */
export function ringsOf(nodes: readonly RingNode[]): Map<number, string[]> {
  const rings = new Map<number, string[]>();
  for (const n of [...nodes].sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))) {
    const ring = rings.get(n.distance) ?? [];
    ring.push(n.id);
    rings.set(n.distance, ring);
  }
  return rings;
}

function meanAngle(angles: number[]): number | null {
  if (angles.length === 0) return null;
  const x = angles.reduce((s, a) => s + Math.cos(a), 0);
  const y = angles.reduce((s, a) => s + Math.sin(a), 0);
  if (Math.abs(x) < 1e-9 && Math.abs(y) < 1e-9) return angles[0]!;
  return Math.atan2(y, x);
}

const TOP = -Math.PI / 2;

/** Angle normalised into [TOP, TOP + 2π) so sorting runs clockwise from 12 o'clock. */
function fromTop(angle: number): number {
  const turn = 2 * Math.PI;
  return ((((angle - TOP) % turn) + turn) % turn) + TOP;
}

/**
 * Positions for a ring layout centred on (0, 0). Ring r has radius ≥ r·step, larger when its
 * nodes need more room, and always larger than the ring inside it. Within a ring, nodes sit in
 * the order of the mean angle of their neighbours on inner rings (ties by id), evenly spaced.
 */
export function ringLayout(
  nodes: readonly RingNode[],
  edges: readonly RingEdge[],
  options: RingOptions = {},
): Map<string, RingPosition> {
  const step = options.step ?? 120;
  const minGap = options.minGap ?? 70;
  const twist = options.twist ?? 0;
  const neighbours = new Map<string, string[]>();
  for (const e of edges) {
    neighbours.set(e.source, [...(neighbours.get(e.source) ?? []), e.target]);
    neighbours.set(e.target, [...(neighbours.get(e.target) ?? []), e.source]);
  }
  const positions = new Map<string, RingPosition>();
  let previousRadius = 0;
  for (const [ring, ids] of ringsOf(nodes)) {
    const count = ids.length;
    let radius: number;
    if (ring === 0 && count === 1) radius = 0;
    else radius = Math.max(ring * step, previousRadius + step * 0.75, (count * minGap) / (2 * Math.PI));
    const ordered = ids
      .map((id, index) => {
        const inner = (neighbours.get(id) ?? [])
          .map((n) => positions.get(n))
          .filter((p): p is RingPosition => !!p && p.ring < ring);
        const want = meanAngle(inner.filter((p) => p.ring > 0 || inner.length === 1).map((p) => p.angle));
        return { id, index, want: want === null ? null : fromTop(want) };
      })
      .sort((a, b) => {
        if (a.want !== null && b.want !== null && a.want !== b.want) return a.want - b.want;
        if (a.want === null && b.want !== null) return 1;
        if (a.want !== null && b.want === null) return -1;
        return a.index - b.index;
      });
    // Start where the first node wants to be, so children sit near their parents; turn each
    // ring from the second on a little (`twist`) so labels of consecutive rings do not line up.
    const first = (ordered[0]?.want ?? TOP) + (ring > 1 ? twist : 0);
    ordered.forEach(({ id }, i) => {
      const angle = count === 1 ? first : first + (i * 2 * Math.PI) / count;
      positions.set(id, { x: radius * Math.cos(angle), y: radius * Math.sin(angle), ring, angle });
    });
    previousRadius = radius;
  }
  return positions;
}
