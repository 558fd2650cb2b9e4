/** The asset page's blast radius: the drawing with its list beside it, then the folded lists. */
import type { BlastRadius } from "../api/types";
import { buildHash } from "../router";
import { groupBy, layerEdges, type LayerNode } from "../shape/blast-view";
import { compareRefs } from "../shape/coverage";
import { formatDate } from "../shape/dates";
import { evidenceValidity, evidenceWindow } from "../shape/evidence";
import { openFindingsText, severityTone } from "../shape/findings";
import { blastEdges } from "../shape/rings";
import { plural } from "../shape/words";
import { blastGraph, type BlastGraphHandle } from "../ui/blast-graph";
import { blastList } from "../ui/blast-list";
import { controlLink, criterionLink, evidenceLink, vendorLink } from "../ui/links";
import { append, h } from "../ui/dom";
import { emptyState } from "../ui/states";
import { scrollTable, tag } from "../ui/widgets";
import type { PageContext } from "./page";

export function renderBlast(
  slot: HTMLElement,
  br: BlastRadius,
  ctx: PageContext,
  onSelect: (id: string) => void,
): BlastGraphHandle {
  const affected = br.assets.edges.map((e) => e.node);
  const nodes = affected.map((a) => ({
    id: a.assetId,
    distance: a.distance,
    label: a.asset?.name ?? a.assetId,
    kind: a.asset?.kind ?? "",
  }));
  const edges = blastEdges(
    affected.map((a) => ({ assetId: a.assetId, dependsOn: (a.asset?.dependsOn ?? []).map((d) => d.id) })),
  );
  // The optional layers: the radius's controls and vendors, linked to the drawn assets they touch.
  // (Findings are counted below the summary, not drawn: a layer of them would swamp the drawing.)
  const links = layerEdges(
    affected.map((a) => ({
      assetId: a.assetId,
      controls: (a.asset?.controls ?? []).map((c) => c.id),
      vendors: (a.asset?.vendors ?? []).map((v) => v.id),
    })),
    new Set(br.controls.map((c) => c.id)),
    new Set(br.vendors.map((v) => v.id)),
  );
  const linked = new Set(links.flatMap((e) => [e.source, e.target]));
  const layerNodes: LayerNode[] = [
    ...[...br.controls]
      .sort((a, b) => compareRefs(a.id, b.id))
      .map((c) => ({ id: c.id, label: c.id, layer: "control" as const })),
    ...br.vendors.map((v) => ({ id: v.id, label: v.name, layer: "vendor" as const })),
  ].filter((n) => linked.has(n.id));
  const list = blastList(nodes, edges, layerNodes, links);
  const graph = blastGraph({ nodes, edges, layerNodes, layerEdges: links }, onSelect, list.showLayer);
  const name = br.asset?.name ?? br.assetId;
  const now = ctx.now();

  const evidence = br.evidence.edges.map((e) => e.node);
  const controlTitle = new Map(br.controls.map((c) => [c.id, c.title]));
  const evidenceRow = (ev: (typeof evidence)[number]): HTMLTableRowElement => {
    const freq = ev.control?.frequency ?? "ANNUAL";
    const win = evidenceWindow(ev.collectedAt, ev.validUntil, freq);
    const validity = evidenceValidity(ev, freq, now);
    return h(
      "tr",
      { "data-evidence": ev.id, "data-valid": validity === "VALID" ? "1" : "0" },
      h("th", { scope: "row" }, evidenceLink(ev.id, ev.title)),
      h("td", null, `${formatDate(win.start)} → ${formatDate(win.end)}${win.computed ? "*" : ""}`),
      h("td", null, tag(validity.toLowerCase().replace(/_/g, " "), validity === "VALID" ? "good" : "bad")),
    );
  };
  // Long lists fold: criteria by framework, evidence by control, each group closed until asked.
  const criteriaByFramework = groupBy(
    [...br.criteria].sort((a, b) => compareRefs(a.id, b.id)),
    (c) => c.framework?.name ?? "",
    (a, b) => a.localeCompare(b),
  );
  const evidenceByControl = groupBy(
    evidence,
    (ev) => ev.control?.id ?? "",
    (a, b) => compareRefs(a, b),
  );

  append(slot, [
    h("h2", null, "Blast radius of ", h("span", { "data-testid": "blast-asset" }, name)),
    h(
      "p",
      { class: "muted", "data-testid": "blast-summary" },
      [
        plural(br.assets.totalCount, "asset"),
        plural(br.controls.length, "control"),
        plural(br.criteria.length, "criterion", "criteria"),
        plural(br.frameworks.length, "framework"),
        plural(br.vendors.length, "vendor"),
        plural(br.evidence.totalCount, "evidence item"),
      ].join(", "),
      br.assets.totalCount > affected.length ? ` (drawing the nearest ${affected.length})` : "",
      ". ",
      h("a", { href: buildHash("impact", null, { asset: br.assetId }) }, "What if it changed?"),
    ),
    findingCounts(br),
    h("div", { class: "graph-split" }, graph.element, list.element),
    h(
      "div",
      { class: "blast-lists" },
      folded(
        `Controls (${br.controls.length})`,
        { "data-testid": "blast-controls", "data-count": br.controls.length },
        br.controls.length
          ? h(
              "ul",
              null,
              [...br.controls]
                .sort((a, b) => compareRefs(a.id, b.id))
                .map((c) =>
                  h(
                    "li",
                    { "data-control": c.id },
                    controlLink(c.id, h("strong", null, c.id)),
                    ` ${c.title}`,
                    h("span", { class: "muted small" }, c.owner ? ` · ${c.owner}` : ""),
                  ),
                ),
            )
          : h("p", { class: "muted" }, "None."),
      ),
      h(
        "section",
        { class: "blast-list", "data-testid": "blast-criteria", "data-count": br.criteria.length },
        h("h3", null, `Criteria (${br.criteria.length})`),
        br.criteria.length === 0 ? h("p", { class: "muted" }, "None.") : null,
        criteriaByFramework.map((g) =>
          folded(
            `${g.key} (${g.items.length})`,
            { "data-framework": g.items[0]?.framework?.id ?? "" },
            h(
              "ul",
              null,
              g.items.map((c) =>
                h("li", { "data-criterion": c.id }, criterionLink(c.id, [h("strong", null, c.ref), ` ${c.title}`])),
              ),
            ),
          ),
        ),
      ),
      h(
        "section",
        { class: "blast-list", "data-testid": "blast-frameworks", "data-count": br.frameworks.length },
        h("h3", null, `Frameworks (${br.frameworks.length})`),
        h(
          "ul",
          null,
          br.frameworks.map((f) => h("li", { "data-framework": f.id }, f.name)),
        ),
      ),
      h(
        "section",
        { class: "blast-list", "data-testid": "blast-vendors", "data-count": br.vendors.length },
        h("h3", null, `Vendors (${br.vendors.length})`),
        br.vendors.length
          ? h(
              "ul",
              null,
              br.vendors.map((v) =>
                h(
                  "li",
                  { "data-vendor": v.id },
                  vendorLink(v.id, h("strong", null, v.name)),
                  h("span", { class: "muted small" }, ` ${v.service}${v.riskTier ? ` · risk ${v.riskTier}` : ""}`),
                ),
              ),
            )
          : h("p", { class: "muted" }, "None."),
      ),
    ),
    h(
      "section",
      { class: "blast-evidence", "data-testid": "blast-evidence", "data-count": br.evidence.totalCount },
      h("h3", null, `Evidence (${br.evidence.totalCount})`),
      evidence.length === 0 ? emptyState("No evidence speaks for these assets.") : null,
      evidenceByControl.map((g) => {
        const valid = g.items.filter((ev) => evidenceValidity(ev, ev.control?.frequency ?? "ANNUAL", now) === "VALID");
        return folded(
          `${g.key} ${controlTitle.get(g.key) ?? ""} · ${plural(g.items.length, "item")}, ${valid.length} valid now`,
          { "data-control": g.key, "data-items": g.items.length },
          scrollTable(
            `Evidence of ${g.key} (window: collected → end; * computed from frequency)`,
            ["Evidence", "Window", "Now"],
            g.items.map(evidenceRow),
          ),
        );
      }),
      br.evidence.totalCount > evidence.length
        ? h("p", { class: "muted small" }, `Showing ${evidence.length} of ${br.evidence.totalCount}.`)
        : null,
    ),
  ]);
  slot.dataset.loaded = "true";
  return graph;
}

/** The open scanner findings on the radius's assets, by severity: what a critical CVE here reaches. */
function findingCounts(br: BlastRadius): HTMLElement {
  const open = br.findingCounts.filter((c) => c.count > 0);
  return h(
    "p",
    {
      class: "finding-counts",
      "data-testid": "blast-findings",
      "data-open": open.reduce((sum, c) => sum + c.count, 0),
    },
    h("span", { class: "muted" }, "Findings on these assets: "),
    open.length === 0
      ? h("span", { class: "muted" }, openFindingsText(br.findingCounts))
      : [
          ...open.map((c) =>
            h(
              "span",
              { "data-severity": c.severity },
              tag(`${c.count} ${c.severity.toLowerCase()}`, severityTone(c.severity)),
              " ",
            ),
          ),
          h("span", { class: "muted" }, "open"),
        ],
  );
}

/** A group folded under its summary (closed by default: the page stays short). */
function folded(summary: string, attrs: Record<string, string | number>, body: HTMLElement): HTMLElement {
  return h("details", { class: "fold", ...attrs }, h("summary", null, summary), body);
}
