/** The asset page's scanner findings (Nessus): a page at a time ("More"), in order of id. */
import { fetchAssetFindings } from "../api/engagements";
import type { AssetFinding, AssetFindings } from "../api/types";
import { formatDate } from "../shape/dates";
import { cveText, severityTone } from "../shape/findings";
import { plural } from "../shape/words";
import { append, h, replace } from "../ui/dom";
import { emptyState } from "../ui/states";
import { scrollTable, tag } from "../ui/widgets";
import { load } from "./page";

export const FINDINGS_PAGE = 20;

export const FINDING_COLUMNS = ["Severity", "Plugin", "Name", "CVEs", "First seen", "Last seen", "Status"];

/** One finding as a table row: the name heads it, a fixed finding says when. */
export function findingRow(finding: AssetFinding): HTMLTableRowElement {
  const date = (iso: string): HTMLElement => h("time", { datetime: iso }, formatDate(iso));
  const fixed = finding.status === "FIXED";
  return h(
    "tr",
    { "data-finding": finding.id, "data-severity": finding.severity, "data-status": finding.status },
    h("td", null, tag(finding.severity.toLowerCase(), severityTone(finding.severity))),
    h("td", null, finding.plugin),
    h(
      "th",
      { scope: "row" },
      finding.name,
      finding.port ? h("span", { class: "muted small" }, ` ${finding.port}/${finding.protocol}`) : null,
      finding.cvss3 !== null ? h("span", { class: "muted small" }, ` · CVSS ${finding.cvss3.toFixed(1)}`) : null,
    ),
    h("td", { title: finding.cves.join(", ") }, cveText(finding.cves)),
    h("td", null, date(finding.firstSeen)),
    h("td", null, date(finding.lastSeen)),
    h(
      "td",
      null,
      fixed ? tag("fixed", "good") : tag("open", severityTone(finding.severity)),
      fixed && finding.fixedAt ? h("span", { class: "muted small" }, " ", date(finding.fixedAt)) : null,
    ),
  );
}

/**
 * Load `asset`'s findings into `slot`; "More" appends the next page to the same table. `loaded`
 * hears how many there are once they are shown (the asset page shows no card for none).
 */
export function showFindings(
  slot: HTMLElement,
  asset: string,
  signal: AbortSignal,
  loaded: (total: number) => void = () => undefined,
): void {
  void load(
    slot,
    `the findings of ${asset}`,
    signal,
    () => fetchAssetFindings(asset, FINDINGS_PAGE, null, { signal }),
    (found) => {
      if (!found) return void replace(slot, emptyState(`There is no asset ${asset}.`));
      renderFindings(slot, found, signal);
      slot.dataset.loaded = "true";
      loaded(found.findings.totalCount);
    },
  );
}

function renderFindings(slot: HTMLElement, found: AssetFindings, signal: AbortSignal): void {
  const findings = found.findings;
  append(slot, [
    h("h2", null, "Findings on ", found.name),
    h(
      "p",
      { class: "muted", "data-testid": "finding-count" },
      findings.totalCount ? `${plural(findings.totalCount, "finding")} from vulnerability scans.` : "",
    ),
  ]);
  if (findings.totalCount === 0) return void slot.append(emptyState("No scan has reported a finding on this asset."));
  const table = scrollTable(
    "Findings (plugin: the scanner's check; CVSS: v3 base score)",
    FINDING_COLUMNS,
    findings.edges.map((e) => findingRow(e.node)),
    { "data-testid": "asset-findings" },
  );
  const tbody = table.querySelector("tbody")!;
  const status = h("p", { class: "muted small", role: "status" });
  const more = h(
    "button",
    { type: "button", class: "button button-secondary", "data-testid": "more-findings" },
    "More",
  );
  let cursor = findings.pageInfo.endCursor;
  const update = (hasNext: boolean): void => {
    status.textContent = `Showing ${tbody.rows.length} of ${findings.totalCount}.`;
    more.hidden = !hasNext;
  };
  more.addEventListener("click", () => {
    more.disabled = true;
    fetchAssetFindings(found.id, FINDINGS_PAGE, cursor, { signal }).then(
      (next) => {
        more.disabled = false;
        if (!next || signal.aborted) return;
        const first = tbody.rows.length;
        tbody.append(...next.findings.edges.map((e) => findingRow(e.node)));
        cursor = next.findings.pageInfo.endCursor;
        update(next.findings.pageInfo.hasNextPage);
        const head = tbody.rows[first]?.querySelector("th");
        head?.setAttribute("tabindex", "-1");
        (head as HTMLElement | null)?.focus();
      },
      (error: unknown) => {
        more.disabled = false;
        status.textContent = `Could not load more findings: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
  });
  update(findings.pageInfo.hasNextPage);
  slot.append(table, status, more);
}
