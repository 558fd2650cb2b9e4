/** 6. Crosswalk matrix between two frameworks: relationship and strength per pair, links to criteria. */
import { fetchCrosswalk, fetchCrosswalkCounts } from "../api/queries";
import type { CrosswalkRow, Framework } from "../api/types";
import { criterionHash } from "../router";
import { RELATIONSHIP_LABEL, RELATIONSHIP_SYMBOL, crosswalkMatrix, describeMapping } from "../shape/crosswalk";
import { orderFrameworks } from "../shape/coverage";
import { h, replace } from "../ui/dom";
import { emptyState } from "../ui/states";
import { field, frameworkOptions, pageHeader, scrollTable, select } from "../ui/widgets";
import { load, type Page } from "./page";

export const crosswalkPage: Page = {
  title: "Crosswalk",
  render(ctx) {
    const p = ctx.route.params;
    const form = h("form", { class: "toolbar", "aria-label": "Frameworks to compare" });
    form.addEventListener("submit", (e) => e.preventDefault());
    const body = h("div", { class: "crosswalk", "data-testid": "crosswalk" });
    ctx.root.append(
      pageHeader(
        "Crosswalk",
        "Which requirements of one framework those of another map to (NIST IR 8477 set relationships: the source is equal to, a subset of, a superset of, or intersects the target).",
      ),
      form,
      body,
    );
    void load(form, "frameworks", ctx.signal, ctx.frameworks, (unordered) => {
      const frameworks = orderFrameworks(unordered);
      if (frameworks.length < 2) {
        replace(
          body,
          emptyState(
            `A crosswalk needs two frameworks; the store holds ${frameworks.length}.`,
            "Load another framework catalog with its mappings (attestgraph load) to compare them here.",
          ),
        );
        body.dataset.loaded = "true";
        return;
      }
      const source = select("source", frameworkOptions(frameworks), p.source ?? frameworks[0]!.id);
      const target = select(
        "target",
        frameworkOptions(frameworks),
        p.target ?? frameworks.find((f) => f.id !== source.value)!.id,
      );
      const swap = h("button", { type: "button", class: "button button-secondary" }, "Swap");
      const counts = h("p", { class: "muted small", "aria-live": "polite", "data-testid": "crosswalk-counts" });
      form.append(
        field("Source framework", source),
        field("Target framework", target),
        h("div", { class: "field field-button" }, swap),
      );
      form.after(counts);
      // Label each target with its mapping count; with no target in the address, pick the best-mapped one.
      const labelTargets = (pickBest: boolean): Promise<void> =>
        fetchCrosswalkCounts(
          source.value,
          frameworks.map((f) => f.id),
          { signal: ctx.signal },
        ).then(
          (byTarget) => {
            for (const option of target.options) {
              const name = frameworks.find((f) => f.id === option.value)?.name ?? option.value;
              option.textContent = byTarget.has(option.value)
                ? `${name} (${byTarget.get(option.value)} mappings)`
                : name;
            }
            const best = [...byTarget.entries()].sort((a, b) => b[1] - a[1])[0];
            if (pickBest && best && best[1] > 0) target.value = best[0];
            replace(
              counts,
              `${frameworks.find((f) => f.id === source.value)?.name ?? source.value} maps to: `,
              [...byTarget.entries()]
                .map(([id, n]) => `${frameworks.find((f) => f.id === id)?.name ?? id} ${n}`)
                .join(" · "),
            );
          },
          () => replace(counts), // counts are a hint; the matrix below reports its own errors
        );
      const show = (): void => {
        ctx.setParams({ source: source.value, target: target.value });
        if (source.value === target.value) {
          replace(body, emptyState("Pick two different frameworks."));
          return;
        }
        void load(
          body,
          "the crosswalk",
          ctx.signal,
          () => fetchCrosswalk(source.value, target.value, { signal: ctx.signal }),
          ({ rows, totalCount }) => {
            renderCrosswalk(body, rows, totalCount, byId(frameworks, source.value), byId(frameworks, target.value));
            body.dataset.loaded = "true";
          },
        );
      };
      source.addEventListener("change", () => void labelTargets(false).then(show));
      target.addEventListener("change", show);
      swap.addEventListener("click", () => {
        [source.value, target.value] = [target.value, source.value];
        void labelTargets(false).then(show);
      });
      void labelTargets(!p.target).then(show);
    });
  },
};

function byId(frameworks: readonly Framework[], id: string): Framework {
  return frameworks.find((f) => f.id === id) ?? { id, name: id, version: "", publisher: "" };
}

function renderCrosswalk(
  slot: HTMLElement,
  rows: CrosswalkRow[],
  totalCount: number,
  source: Framework,
  target: Framework,
): void {
  const matrix = crosswalkMatrix(rows);
  slot.append(
    h(
      "p",
      { class: "muted", "data-testid": "crosswalk-summary" },
      h("span", { "data-testid": "mapping-count" }, totalCount),
      ` mappings from ${source.name} to ${target.name}: `,
      (Object.keys(matrix.counts) as (keyof typeof matrix.counts)[])
        .map((k, i) => `${i ? ", " : ""}${matrix.counts[k]} ${RELATIONSHIP_LABEL[k]} (${RELATIONSHIP_SYMBOL[k]})`)
        .join(""),
      ".",
    ),
  );
  if (rows.length === 0) {
    slot.append(emptyState(`No mapping connects ${source.name} and ${target.name}.`));
    return;
  }
  const table = h(
    "table",
    { class: "matrix", "data-testid": "crosswalk-matrix" },
    h(
      "caption",
      null,
      `Rows: ${source.name}; columns: ${target.name}. A cell reads "row … column" (e.g. "CC6.1 intersects A.5.15"), with the mapping's strength.`,
    ),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("td", { class: "corner" }),
        matrix.targets.map((t) =>
          h("th", { scope: "col", title: t.title }, h("a", { href: criterionHash(t.id), class: "col-head" }, t.ref)),
        ),
      ),
    ),
    h(
      "tbody",
      null,
      matrix.sources.map((s) =>
        h(
          "tr",
          null,
          h("th", { scope: "row", title: s.title }, h("a", { href: criterionHash(s.id) }, s.ref)),
          matrix.targets.map((t) => {
            const row = matrix.cell(s.id, t.id);
            if (!row) return h("td", { class: "empty-cell" });
            return h(
              "td",
              {
                class: `cell rel-${row.relationship.toLowerCase()}`,
                "data-source": s.id,
                "data-target": t.id,
                "data-relationship": row.relationship,
                "data-strength": row.strength,
              },
              h(
                "a",
                {
                  href: criterionHash(t.id),
                  title: `${describeMapping(row)}. ${row.rationale}`,
                  "aria-label": describeMapping(row),
                },
                RELATIONSHIP_SYMBOL[row.relationship],
                h("sub", null, row.strength),
              ),
            );
          }),
        ),
      ),
    ),
  );
  const list = [...rows]
    .sort(
      (a, b) =>
        matrix.sources.findIndex((s) => s.id === a.sourceId) - matrix.sources.findIndex((s) => s.id === b.sourceId) ||
        b.strength - a.strength,
    )
    .map((r) =>
      h(
        "tr",
        { "data-source": r.sourceId, "data-target": r.targetId },
        h(
          "th",
          { scope: "row" },
          h(
            "a",
            { href: criterionHash(r.sourceId) },
            h("strong", null, r.source?.ref ?? r.sourceId),
            ` ${r.source?.title ?? ""}`,
          ),
        ),
        h("td", null, `${RELATIONSHIP_SYMBOL[r.relationship]} ${RELATIONSHIP_LABEL[r.relationship]}`),
        h(
          "td",
          null,
          h(
            "a",
            { href: criterionHash(r.targetId) },
            h("strong", null, r.target?.ref ?? r.targetId),
            ` ${r.target?.title ?? ""}`,
          ),
        ),
        h("td", { class: "num" }, r.strength),
        h(
          "td",
          null,
          r.rationale,
          r.inverted ? h("span", { class: "muted small" }, " (read from the other side)") : null,
        ),
      ),
    );
  slot.append(
    h(
      "div",
      { class: "table-scroll matrix-scroll", tabindex: "0", role: "region", "aria-label": "Crosswalk matrix" },
      table,
    ),
    h("h2", null, "All mappings"),
    scrollTable("Mappings", [source.name, "Relationship", target.name, "Strength", "Rationale"], list, {
      "data-testid": "crosswalk-list",
    }),
  );
}
