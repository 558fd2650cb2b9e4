/** Words for numbers and mappings: plurals, mapping strengths, relationship sentences. */
import type { MappingRelationship } from "../api/types";

/** "1 vendor", "2 vendors", "0 vendors"; `many` for irregular plurals ("1 criterion", "3 criteria"). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export type StrengthWord = "strong" | "medium" | "weak";

/**
 * A mapping's 1–10 strength in a word. Thresholds (documented in the README): 8–10 strong (the
 * requirements nearly coincide), 4–7 medium, 1–3 weak.
 */
export function strengthWord(strength: number): StrengthWord {
  if (strength >= 8) return "strong";
  if (strength >= 4) return "medium";
  return "weak";
}

/** The hover text beside a strength word: its value on the 1–10 scale. */
export function strengthTitle(strength: number): string {
  return `strength ${strength} of 10 (strong 8–10, medium 4–7, weak 1–3)`;
}

/** "s <verb> t" in plain English: the relationship as a verb phrase. */
export const RELATIONSHIP_VERB: Readonly<Record<MappingRelationship, string>> = {
  EQUAL: "equals",
  SUBSET_OF: "is a subset of",
  SUPERSET_OF: "is a superset of",
  INTERSECTS_WITH: "intersects",
};

/** "CC6.4 intersects A.7.2". */
export function relationshipSentence(source: string, relationship: MappingRelationship, target: string): string {
  return `${source} ${RELATIONSHIP_VERB[relationship]} ${target}`;
}
