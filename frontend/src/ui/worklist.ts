/** The missing-evidence worklist's table, shared by the worklist page and the engagement page. */
import type { MissingEvidenceReport, MissingEvidenceRow } from "../api/types";
import { DAYS_COLUMN, REASON_LABEL, REASON_ORDER, WORKLIST_COLUMNS, worklistCells } from "../shape/missing";
import { NO_OWNER } from "../shape/owner";
import { h, type Child } from "./dom";
import { idLink, type IdKind } from "./links";
import { ownerCell } from "./owner";
import { scrollTable } from "./widgets";

const OWNER_COLUMN = WORKLIST_COLUMNS.indexOf("Owner");

/** The columns holding an id, shown as links to its page (the text stays the cell's, as the CSV writes it). */
const ID_COLUMNS: ReadonlyMap<number, IdKind> = new Map([
  [WORKLIST_COLUMNS.indexOf("Control"), "control"],
  [WORKLIST_COLUMNS.indexOf("Asset"), "asset"],
  [WORKLIST_COLUMNS.indexOf("Vendor"), "vendor"],
]);

function cellContent(cell: string, i: number): Child {
  const kind = ID_COLUMNS.get(i);
  return kind && cell ? idLink(kind, cell) : cell;
}

/** One table row per worklist row, cells as `worklistCells` writes them (the control is the row header). */
export function worklistRows(rows: readonly MissingEvidenceRow[], asOf: string): HTMLTableRowElement[] {
  return rows.map((row) =>
    h(
      "tr",
      {
        "data-control": row.controlId,
        "data-asset": row.assetId ?? "",
        "data-vendor": row.vendorId ?? "",
        "data-reason": row.reason,
      },
      worklistCells(row, asOf).map((cell, i) =>
        i === 0
          ? h("th", { scope: "row" }, cellContent(cell, i))
          : i === OWNER_COLUMN && cell === NO_OWNER
            ? h("td", null, ownerCell({ id: row.controlId }))
            : h("td", { class: i === DAYS_COLUMN ? "num" : undefined }, cellContent(cell, i)),
      ),
    ),
  );
}

export function worklistTable(
  caption: string,
  rows: readonly MissingEvidenceRow[],
  asOf: string,
  testid: string,
): HTMLElement {
  return scrollTable(caption, WORKLIST_COLUMNS, worklistRows(rows, asOf), { "data-testid": testid });
}

/** How many rows each reason has, in DESIGN order. */
export function reasonCounts(byReason: MissingEvidenceReport["byReason"]): HTMLElement {
  return h(
    "ul",
    { class: "reason-counts", "aria-label": "Missing by reason" },
    [...byReason]
      .sort((a, b) => REASON_ORDER.indexOf(a.reason) - REASON_ORDER.indexOf(b.reason))
      .map((r) => h("li", { "data-reason": r.reason, "data-count": r.count }, `${REASON_LABEL[r.reason]}: ${r.count}`)),
  );
}
