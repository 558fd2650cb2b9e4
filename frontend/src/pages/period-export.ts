/** The Type II page's "Export CSV": every gap of the period shown (all pages, not just the one on screen). */
import { fetchEngagementGaps } from "../api/engagements";
import { fetchEvidenceGaps, type GapsPage } from "../api/queries";
import type { ControlPeriod } from "../api/types";
import { gapsCsv } from "../shape/gaps-csv";
import { h } from "../ui/dom";
import { downloadText } from "../ui/widgets";

/** What the page shows: an engagement's period, or a custom one (instants from periodRange). */
export type GapsSource = { engagement: string } | { framework: string | null; start: string; end: string };

// The page's own page size: a page of controls with their intervals stays inside the cost budget.
const BATCH = 20;

async function everyControlWithGaps(source: GapsSource, signal: AbortSignal): Promise<ControlPeriod[]> {
  const out: ControlPeriod[] = [];
  let after: string | null = null;
  for (;;) {
    const page: GapsPage | null =
      "engagement" in source
        ? ((await fetchEngagementGaps(source.engagement, BATCH, after, true, { signal }))?.gaps ?? null)
        : await fetchEvidenceGaps(source.framework, source.start, source.end, BATCH, after, true, { signal });
    if (!page) return out;
    out.push(...page.controls.edges.map((e) => e.node));
    if (!page.controls.pageInfo.hasNextPage || page.controls.edges.length === 0) return out;
    after = page.controls.pageInfo.endCursor;
  }
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
