/** 4. Missing-evidence worklist: filter by framework, owner and reason; most overdue first; CSV export. */
import { fetchMissingEvidence } from "../api/queries";
import type { EvidenceState, Framework, MissingEvidenceReport, MissingEvidenceRow } from "../api/types";
import { asOfFromDateInput, formatDateTime, isDateInputValue, toDateInputValue } from "../shape/dates";
import {
  REASON_LABEL,
  REASON_ORDER,
  filterRows,
  owners,
  sortRows,
  worklistCsv,
  worklistFileName,
  type WorklistSort,
} from "../shape/missing";
import { orderFrameworks } from "../shape/coverage";
import { h, replace } from "../ui/dom";
import { emptyState } from "../ui/states";
import { downloadText, field, frameworkOptions, pageHeader, select } from "../ui/widgets";
import { reasonCounts, worklistTable } from "../ui/worklist";
import { load, type Page } from "./page";

export const missingPage: Page = {
  title: "Missing evidence",
  render(ctx) {
    const p = ctx.route.params;
    const header = pageHeader(
      "Missing evidence",
      "Implemented controls without valid, current evidence: the collection worklist.",
    );
    const controls = h("form", { class: "toolbar", "aria-label": "Worklist filters" });
    controls.addEventListener("submit", (e) => e.preventDefault());
    const summary = h("div", { class: "worklist-summary", "aria-live": "polite" });
    const table = h("div", { class: "worklist", "data-testid": "worklist" });
    ctx.root.append(header, controls, h("section", { class: "card" }, summary, table));

    void load(controls, "frameworks", ctx.signal, ctx.frameworks, (frameworks) => {
      const fw = select(
        "framework",
        [{ value: "", label: "All frameworks" }, ...frameworkOptions(orderFrameworks(frameworks))],
        p.framework ?? "",
      );
      const reason = select(
        "reason",
        [{ value: "", label: "Any reason" }, ...REASON_ORDER.map((r) => ({ value: r, label: REASON_LABEL[r] }))],
        p.reason ?? "",
      );
      const owner = select("owner", [{ value: "", label: "Any owner" }], p.owner ?? "");
      const sort = select(
        "sort",
        [
          { value: "overdue", label: "Most overdue first" },
          { value: "reason", label: "By reason, then most overdue" },
        ],
        p.sort === "reason" ? "reason" : "overdue",
      );
      const day = h("input", {
        type: "date",
        name: "asOf",
        value: isDateInputValue(p.asOf) ? p.asOf : toDateInputValue(ctx.now()),
      });
      const exportButton = h(
        "button",
        { type: "button", class: "button", "data-testid": "export-csv", disabled: true },
        "Export CSV",
      );
      controls.append(
        field("Framework", fw),
        field("Owner", owner),
        field("Reason", reason),
        field("Sort", sort),
        field("As of (UTC day)", day),
        h("div", { class: "field field-button" }, exportButton),
      );

      let report: MissingEvidenceReport | null = null;
      let rows: MissingEvidenceRow[] = [];
      let shown: MissingEvidenceRow[] = [];

      const params = (): Record<string, string | null> => ({
        framework: fw.value || null,
        owner: owner.value || null,
        reason: reason.value || null,
        sort: sort.value === "reason" ? "reason" : null,
        asOf: day.value && day.value !== toDateInputValue(ctx.now()) ? day.value : null,
      });

      const renderRows = (): void => {
        if (!report) return;
        ctx.setParams(params());
        shown = sortRows(
          filterRows(rows, { owner: owner.value || null, reason: (reason.value || null) as EvidenceState | null }),
          sort.value as WorklistSort,
        );
        exportButton.disabled = shown.length === 0;
        replace(
          summary,
          h(
            "p",
            null,
            h("strong", { "data-testid": "shown-count" }, shown.length),
            ` of `,
            h("span", { "data-testid": "total-count" }, report.totalCount),
            ` missing${report.frameworkId ? ` for ${frameworkName(frameworks, report.frameworkId)}` : ""} as of `,
            h("time", { datetime: report.asOf }, formatDateTime(report.asOf)),
            ". ",
          ),
          reasonCounts(report.byReason),
        );
        if (shown.length === 0) {
          replace(
            table,
            emptyState(
              report.totalCount === 0
                ? "Nothing is missing: every implemented control has valid, current evidence."
                : "No row matches these filters.",
            ),
          );
          return;
        }
        replace(table, worklistTable("Missing evidence rows", shown, report.asOf, "worklist-table"));
      };

      let ownerWanted = p.owner ?? "";
      const fillOwners = (): void => {
        const want = ownerWanted;
        replace(
          owner,
          h("option", { value: "" }, "Any owner"),
          owners(rows).map((o) => h("option", { value: o, selected: o === want }, o)),
        );
      };

      const fetchRows = (): void => {
        ctx.setParams(params());
        const asOf = asOfFromDateInput(day.value, ctx.now());
        exportButton.disabled = true;
        replace(summary);
        void load(
          table,
          "the missing-evidence worklist",
          ctx.signal,
          () =>
            fetchMissingEvidence(fw.value || null, asOf, (reason.value || null) as EvidenceState | null, {
              signal: ctx.signal,
            }),
          (data) => {
            report = data.report;
            rows = data.rows;
            fillOwners();
            renderRows();
            table.dataset.loaded = "true";
          },
        );
      };

      fw.addEventListener("change", fetchRows);
      reason.addEventListener("change", fetchRows);
      day.addEventListener("change", fetchRows);
      owner.addEventListener("change", () => {
        ownerWanted = owner.value;
        renderRows();
      });
      sort.addEventListener("change", renderRows);
      exportButton.addEventListener("click", () => {
        if (!report || shown.length === 0) return;
        downloadText(worklistFileName(fw.value || null, report.asOf), worklistCsv(shown, report.asOf));
      });
      fetchRows();
    });
  },
};

function frameworkName(frameworks: readonly Framework[], id: string): string {
  return frameworks.find((f) => f.id === id)?.name ?? id;
}
