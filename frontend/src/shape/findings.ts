/** Scanner findings in words: severities most severe first, their tag tones, and counts in brief. */
import type { FindingCount, Severity } from "../api/types";

export const SEVERITIES: readonly Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"];

/** The tag tone of a severity: critical and high want action, medium attention, the rest neither. */
export function severityTone(severity: Severity): "bad" | "warn" | "neutral" {
  if (severity === "CRITICAL" || severity === "HIGH") return "bad";
  return severity === "MEDIUM" ? "warn" : "neutral";
}

/** "1 critical, 2 high, 1 medium open" (zero counts left out, most severe first), or "No open findings". */
export function openFindingsText(counts: readonly FindingCount[]): string {
  const parts = SEVERITIES.map((s) => [s, counts.find((c) => c.severity === s)?.count ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s.toLowerCase()}`);
  return parts.length ? `${parts.join(", ")} open` : "No open findings";
}

/** The CVEs of a finding as shown in a table cell: the first few, then how many more. */
export function cveText(cves: readonly string[], shown = 3): string {
  if (cves.length === 0) return "—";
  const rest = cves.length - shown;
  return cves.slice(0, shown).join(", ") + (rest > 0 ? ` +${rest} more` : "");
}
