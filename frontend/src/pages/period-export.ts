/** The Type II page's "Export CSV": every gap of the period shown (every control with a gap, not just the groups open on screen). */
import { fetchEngagementGapGroup, fetchEngagementGaps } from "../api/engagements";
import { GAP_GROUP_SIZE, fetchEvidenceGapGroup, fetchEvidenceGaps } from "../api/queries";
import type { ControlPeriod } from "../api/types";
import { gapsCsv } from "../shape/gaps-csv";
import { h } from "../ui/dom";
import { downloadText } from "../ui/widgets";

/** What the page shows: an engagement's period, or a custom one (instants from periodRange). */
export type GapsSource = { engagement: string } | { framework: string | null; start: string; end: string };

/** The controls with gaps (the summary names them), then their intervals a group of GAP_GROUP_SIZE at a time. */
async function everyControlWithGaps(source: GapsSource, signal: AbortSignal): Promise<ControlPeriod[]> {
  const summary =
    "engagement" in source
      ? ((await fetchEngagementGaps(source.engagement, true, { signal }))?.gaps ?? null)
      : await fetchEvidenceGaps(source.framework, source.start, source.end, true, { signal });
  if (!summary) return [];
  const ids = summary.controls.edges.map((e) => e.node.controlId);
  const out: ControlPeriod[] = [];
  for (let i = 0; i < ids.length; i += GAP_GROUP_SIZE) {
    const batch = ids.slice(i, i + GAP_GROUP_SIZE);
    const group =
      "engagement" in source
        ? await fetchEngagementGapGroup(source.engagement, batch, { signal })
        : await fetchEvidenceGapGroup(source.framework, source.start, source.end, batch, { signal });
    if (group) out.push(...group.controls.edges.map((e) => e.node));
  }
  return out;
}

export function gapsExportButton(source: () => GapsSource | null, signal: AbortSignal): HTMLElement {
  const button = h(
    "button",
    { type: "button", class: "button button-secondary", "data-testid": "export-csv" },
    "Export CSV",
  );
  button.addEventListener("click", () => {
    const chosen = source();
    if (!chosen) return;
    button.disabled = true;
    const name =
      "engagement" in chosen ? chosen.engagement : `${chosen.framework ?? "all"}-${chosen.start.slice(0, 10)}`;
    everyControlWithGaps(chosen, signal)
      .then(
        (controls) => downloadText(`type2-gaps-${name}.csv`, gapsCsv(controls)),
        (error: unknown) => (button.title = `Could not export: ${(error as Error).message}`),
      )
      .finally(() => (button.disabled = false));
  });
  return button;
}
