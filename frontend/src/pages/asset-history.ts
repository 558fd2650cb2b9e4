/** The asset page's change history: newest first, a page at a time ("More"), with `changedAt`. */
import { fetchAssetChanges } from "../api/engagements";
import type { AssetChange, AssetHistory } from "../api/types";
import { assetHash } from "../router";
import { formatDateTime } from "../shape/dates";
import { CHANGE_KIND_LABEL } from "../shape/changes";
import { append, h, replace } from "../ui/dom";
import { emptyState } from "../ui/states";
import { scrollTable, tag } from "../ui/widgets";
import { load } from "./page";

export const HISTORY_PAGE = 10;

export const HISTORY_COLUMNS = ["Changed at", "Kind", "Note", "Propagated from", "Recorded by", "Recorded at"];

/** One change as a table row; a propagated change links the asset it follows. */
export function changeRow(change: AssetChange): HTMLTableRowElement {
  const time = (iso: string | null): HTMLElement | string =>
    iso ? h("time", { datetime: iso }, formatDateTime(iso)) : "—";
  return h(
    "tr",
    { "data-change": change.id, "data-kind": change.kind, "data-at": change.at },
    h("th", { scope: "row" }, time(change.at)),
    h("td", null, tag(CHANGE_KIND_LABEL[change.kind])),
    h("td", null, change.note ?? h("span", { class: "muted" }, "—")),
    h(
      "td",
      { "data-propagated-from": change.propagatedFrom ?? "" },
      change.propagatedFrom ? h("a", { href: assetHash(change.propagatedFrom) }, change.propagatedFrom) : "—",
    ),
    h("td", null, change.recordedBy ?? "—"),
    h("td", null, time(change.recordedAt)),
  );
}

/** Pages read at most to bring a linked change into view (a link from the impact page). */
const TARGET_PAGES = 20;

/**
 * Load `asset`'s history into `slot`; "More" appends the next page to the same table. With
 * `target` (a change id), the pages up to that change are shown and its row is marked and focused.
 */
export function showHistory(slot: HTMLElement, asset: string, signal: AbortSignal, target: string | null = null): void {
  void load(
    slot,
    `the change history of ${asset}`,
    signal,
    () => historyUpTo(asset, target, signal),
    (history) => {
      if (!history) return void replace(slot, emptyState(`There is no asset ${asset}.`));
      renderHistory(slot, history, signal, target);
      slot.dataset.loaded = "true";
    },
  );
}

/** The first page, or every page up to the one holding `target`, as one history. */
async function historyUpTo(asset: string, target: string | null, signal: AbortSignal): Promise<AssetHistory | null> {
  const first = await fetchAssetChanges(asset, HISTORY_PAGE, null, { signal });
  if (!first || !target) return first;
  const edges = [...first.changes.edges];
  let info = first.changes.pageInfo;
  for (let page = 1; page < TARGET_PAGES && info.hasNextPage && !edges.some((e) => e.node.id === target); page++) {
    const next = await fetchAssetChanges(asset, HISTORY_PAGE, info.endCursor, { signal });
    if (!next) break;
    edges.push(...next.changes.edges);
    info = next.changes.pageInfo;
  }
  return { ...first, changes: { ...first.changes, edges, pageInfo: info } };
}

function renderHistory(slot: HTMLElement, history: AssetHistory, signal: AbortSignal, target: string | null): void {
  const changes = history.changes;
  const summary = h(
    "p",
    { "data-testid": "changed-at" },
    "Last changed: ",
    history.changedAt ? h("time", { datetime: history.changedAt }, formatDateTime(history.changedAt)) : "never",
    ". ",
    h("span", { "data-testid": "change-count" }, changes.totalCount),
    ` recorded change${changes.totalCount === 1 ? "" : "s"}.`,
  );
  append(slot, [h("h2", null, "Change history of ", history.name), summary]);
  if (changes.totalCount === 0) return void slot.append(emptyState("No change of this asset is recorded."));
  const table = scrollTable(
    "Changes, newest first",
    HISTORY_COLUMNS,
    changes.edges.map((e) => changeRow(e.node)),
    { "data-testid": "change-history" },
  );
  const tbody = table.querySelector("tbody")!;
  const status = h("p", { class: "muted small", role: "status" });
  const more = h("button", { type: "button", class: "button button-secondary", "data-testid": "more-changes" }, "More");
  let cursor = changes.pageInfo.endCursor;
  const update = (hasNext: boolean): void => {
    const shown = tbody.rows.length;
    status.textContent = `Showing ${shown} of ${changes.totalCount}.`;
    more.hidden = !hasNext;
  };
  more.addEventListener("click", () => {
    more.disabled = true;
    fetchAssetChanges(history.id, HISTORY_PAGE, cursor, { signal }).then(
      (next) => {
        more.disabled = false;
        if (!next || signal.aborted) return;
        const first = tbody.rows.length;
        tbody.append(...next.changes.edges.map((e) => changeRow(e.node)));
        cursor = next.changes.pageInfo.endCursor;
        update(next.changes.pageInfo.hasNextPage);
        tbody.rows[first]?.querySelector("th")?.setAttribute("tabindex", "-1");
        (tbody.rows[first]?.querySelector("th") as HTMLElement | null)?.focus();
      },
      (error: unknown) => {
        more.disabled = false;
        status.textContent = `Could not load more changes: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
  });
  update(changes.pageInfo.hasNextPage);
  slot.append(table, status, more);
  const row = target ? [...tbody.rows].find((r) => r.dataset.change === target) : undefined;
  if (row) {
    row.classList.add("is-target");
    row.setAttribute("aria-current", "true");
    const cell = row.querySelector("th")!;
    cell.setAttribute("tabindex", "-1");
    // After the page has laid out: the row scrolls into view with the focus.
    requestAnimationFrame(() => cell.focus());
  } else if (target) {
    slot.insertBefore(
      h("p", { class: "muted small", role: "status" }, `The change ${target} is not in this asset's recent history.`),
      table,
    );
  }
}
