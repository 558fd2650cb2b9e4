/** The crosswalk matrix: source criteria as rows, target criteria as columns, mappings in cells. */
import type { CrosswalkRow, MappingRelationship } from "../api/types";
import { compareRefs } from "./coverage";

export const RELATIONSHIP_SYMBOL: Readonly<Record<MappingRelationship, string>> = {
  EQUAL: "=",
  SUBSET_OF: "⊂",
  SUPERSET_OF: "⊃",
  INTERSECTS_WITH: "∩",
};

export const RELATIONSHIP_LABEL: Readonly<Record<MappingRelationship, string>> = {
  EQUAL: "equal to",
  SUBSET_OF: "subset of",
  SUPERSET_OF: "superset of",
  INTERSECTS_WITH: "intersects with",
};

export interface MatrixAxisEntry {
  id: string;
  ref: string;
  title: string;
}

export interface CrosswalkMatrix {
  sources: MatrixAxisEntry[];
  targets: MatrixAxisEntry[];
  /** The mapping in the cell (source id, target id); absent when none. */
  cell(sourceId: string, targetId: string): CrosswalkRow | undefined;
  /** How many mappings of each relationship. */
  counts: Record<MappingRelationship, number>;
  size: number;
}

/** The official ref out of a criterion id (`soc2-tsc-2017:CC6.1` → `CC6.1`). */
export function refOf(id: string): string {
  const i = id.indexOf(":");
  return i === -1 ? id : id.slice(i + 1);
}

export function crosswalkMatrix(rows: readonly CrosswalkRow[]): CrosswalkMatrix {
  const sources = new Map<string, MatrixAxisEntry>();
  const targets = new Map<string, MatrixAxisEntry>();
  const cells = new Map<string, CrosswalkRow>();
  const counts: Record<MappingRelationship, number> = { EQUAL: 0, SUBSET_OF: 0, SUPERSET_OF: 0, INTERSECTS_WITH: 0 };
  for (const row of rows) {
    if (!sources.has(row.sourceId)) {
      sources.set(row.sourceId, {
        id: row.sourceId,
        ref: row.source?.ref ?? refOf(row.sourceId),
        title: row.source?.title ?? "",
      });
    }
    if (!targets.has(row.targetId)) {
      targets.set(row.targetId, {
        id: row.targetId,
        ref: row.target?.ref ?? refOf(row.targetId),
        title: row.target?.title ?? "",
      });
    }
    const key = `${row.sourceId}\u0000${row.targetId}`;
    const existing = cells.get(key);
    // One cell per pair: keep the strongest mapping if the data holds more than one.
    if (!existing || row.strength > existing.strength) {
      if (!existing) counts[row.relationship] += 1;
      else {
        counts[existing.relationship] -= 1;
        counts[row.relationship] += 1;
      }
      cells.set(key, row);
    }
  }
  const byRef = (a: MatrixAxisEntry, b: MatrixAxisEntry): number =>
    compareRefs(a.ref, b.ref) || a.id.localeCompare(b.id);
  return {
    sources: [...sources.values()].sort(byRef),
    targets: [...targets.values()].sort(byRef),
    cell: (s, t) => cells.get(`${s}\u0000${t}`),
    counts,
    size: cells.size,
  };
}

/** The relationship as the verb of a sentence "source … target". */
export const RELATIONSHIP_VERB: Readonly<Record<MappingRelationship, string>> = {
  EQUAL: "equals",
  SUBSET_OF: "is a subset of",
  SUPERSET_OF: "is a superset of",
  INTERSECTS_WITH: "intersects",
};

/** "CC6.1 is a subset of A.5.15, strength 8": a cell's accessible name, read as a sentence. */
export function describeMapping(row: CrosswalkRow): string {
  const s = row.source?.ref ?? refOf(row.sourceId);
  const t = row.target?.ref ?? refOf(row.targetId);
  return `${s} ${RELATIONSHIP_VERB[row.relationship]} ${t}, strength ${row.strength}`;
}
