/** Evidence validity windows, as DESIGN.md defines them. */
import { DAY_MS } from "./dates";

/** Days an evidence item stays valid when it has no `validUntil`, by its control's frequency. */
export const FREQUENCY_DAYS: Readonly<Record<string, number>> = {
  CONTINUOUS: 1,
  DAILY: 1,
  WEEKLY: 7,
  MONTHLY: 31,
  QUARTERLY: 92,
  SEMIANNUAL: 183,
  ANNUAL: 366,
};

/** Frequency in days; the API spells it `QUARTERLY` on controls and `quarterly` on periods. */
export function frequencyDays(frequency: string): number {
  const days = FREQUENCY_DAYS[frequency.toUpperCase()];
  if (days === undefined) throw new Error(`unknown frequency '${frequency}'`);
  return days;
}

export interface EvidenceWindow {
  start: string;
  end: string;
  /** True when the end comes from the control's frequency rather than `validUntil`. */
  computed: boolean;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** collectedAt → validUntil, or collectedAt + the frequency's days. */
export function evidenceWindow(collectedAt: string, validUntil: string | null, frequency: string): EvidenceWindow {
  if (validUntil) return { start: collectedAt, end: validUntil, computed: false };
  return { start: collectedAt, end: iso(Date.parse(collectedAt) + frequencyDays(frequency) * DAY_MS), computed: true };
}

export type EvidenceValidity = "VALID" | "EXPIRED" | "NOT_YET_COLLECTED" | "PENDING" | "REJECTED";

/** Whether one evidence item is valid at `at` (staleness from asset changes aside). */
export function evidenceValidity(
  evidence: { collectedAt: string; validUntil: string | null; status: string },
  frequency: string,
  at: Date,
): EvidenceValidity {
  const t = at.getTime();
  const window = evidenceWindow(evidence.collectedAt, evidence.validUntil, frequency);
  if (Date.parse(window.start) > t) return "NOT_YET_COLLECTED";
  if (evidence.status === "REJECTED") return "REJECTED";
  if (evidence.status !== "ACCEPTED") return "PENDING";
  return t < Date.parse(window.end) ? "VALID" : "EXPIRED";
}

export const VALIDITY_LABEL: Readonly<Record<EvidenceValidity, string>> = {
  VALID: "valid",
  EXPIRED: "expired",
  NOT_YET_COLLECTED: "not yet collected",
  PENDING: "pending review",
  REJECTED: "rejected",
};

/** Newest first: the evidence an auditor looks at first. */
export function sortEvidenceNewestFirst<T extends { collectedAt: string; id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => Date.parse(b.collectedAt) - Date.parse(a.collectedAt) || a.id.localeCompare(b.id));
}
