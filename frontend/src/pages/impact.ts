/** 7. Change impact: what a change of an asset would do, then record it and watch coverage move. */
import { plural } from "../shape/words";
import { fetchCoverageTotals, fetchImpact, listAssets, recordChange, type ChangeInput } from "../api/queries";
import type { Framework, ImpactReport, StatusCounts } from "../api/types";
import { buildHash, criterionHash } from "../router";
import { CHANGE_KIND_LABEL, CHANGE_KINDS, isChangeKind } from "../shape/changes";
import { signed } from "../shape/coverage";
import { formatDateTime, fromDateTimeInputValue, toDateTimeInputValue } from "../shape/dates";
import {
  countDeltas,
  direction,
  findRecordedChange,
  groupStale,
  recordQuestion,
  sortDeltas,
  staleItemCount,
} from "../shape/impact";
import { fetchAssetChanges } from "../api/engagements";
import { confirmDialog } from "../ui/confirm-dialog";
import { h, replace } from "../ui/dom";
import { emptyState, errorState } from "../ui/states";
import { countsList, field, pageHeader, scrollTable, select, statusBadge } from "../ui/widgets";
import { canRecordChanges, getMe } from "../session";
import { load, type Page, type PageContext } from "./page";
import { assetLink, controlLink, evidenceLink } from "../ui/links";

export const impactPage: Page = {
  title: "Change impact",
  render(ctx) {
    const p = ctx.route.params;
    const form = h("form", { class: "toolbar", "aria-label": "Change to assess" });
    const result = h("div", { class: "impact", "data-testid": "impact", tabindex: "-1" });
    ctx.root.append(
      pageHeader(
        "Change impact",
        "Pick an asset and when it changed: see which evidence goes stale and how coverage moves, then record the change.",
      ),
      form,
      result,
    );
    replace(result, emptyState("Choose an asset and a time, then preview the impact."));

    void load(
      form,
      "assets and frameworks",
      ctx.signal,
      () => Promise.all([listAssets(null, { signal: ctx.signal }), ctx.frameworks()]),
      ([assets, frameworks]) => {
        if (assets.nodes.length === 0) {
          replace(form, emptyState("There are no assets to change."));
          return;
        }
        const sorted = [...assets.nodes].sort((a, b) => a.name.localeCompare(b.name));
        const asset = select(
          "asset",
          sorted.map((a) => ({ value: a.id, label: `${a.name} (${a.id})` })),
          p.asset && sorted.some((a) => a.id === p.asset) ? p.asset : sorted[0]!.id,
        );
        const at = h("input", {
          type: "datetime-local",
          name: "at",
          required: true,
          step: 60,
          value: p.at ?? toDateTimeInputValue(ctx.now()),
        });
        const propagate = h("input", {
          type: "checkbox",
          name: "propagate",
          id: "propagate",
          checked: p.propagate !== "0",
        });
        const kind = select(
          "kind",
          CHANGE_KINDS.map((k) => ({ value: k, label: CHANGE_KIND_LABEL[k] })),
          isChangeKind(p.kind) ? p.kind : "OTHER",
        );
        const note = h("input", { type: "text", name: "note", maxlength: 500, value: p.note ?? "" });
        const preview = h("button", { type: "submit", class: "button" }, "Preview impact");
        form.append(
          field("Asset", asset),
          field("Changed at (UTC)", at),
          field("Kind of change", kind),
          field("Note", note, "What changed, in a few words (kept in the asset's history)."),
          h(
            "div",
            { class: "field field-check" },
            propagate,
            h("label", { for: "propagate" }, "Propagate to its blast radius"),
          ),
          h("div", { class: "field field-button" }, preview),
        );
        form.addEventListener("submit", (e) => {
          e.preventDefault();
          const when = fromDateTimeInputValue(at.value);
          if (!when) {
            replace(result, emptyState("Enter the time of the change (UTC)."));
            at.focus();
            return;
          }
          const change: ChangeInput = {
            asset: asset.value,
            at: when,
            propagate: propagate.checked,
            kind: isChangeKind(kind.value) ? kind.value : "OTHER",
            note: note.value.trim() || null,
          };
          ctx.setParams({
            asset: change.asset,
            at: at.value,
            propagate: change.propagate ? null : "0",
            kind: change.kind === "OTHER" ? null : change.kind,
            note: change.note,
          });
          void load(
            result,
            "the impact preview",
            ctx.signal,
            () => fetchImpact(change, { signal: ctx.signal }),
            (report) => {
              // The preview first: the record button after it reads as "having seen this, record it".
              renderImpact(result, report, frameworks);
              result.append(recordBlock(change, report, frameworks, ctx));
              result.dataset.loaded = "true";
            },
          );
        });
        if (p.asset) form.requestSubmit();
      },
    );
  },
};

/** Stale items listed open up to this many; more are folded. */
const STALE_OPEN = 8;

function frameworkName(frameworks: readonly Framework[], id: string): string {
  return frameworks.find((f) => f.id === id)?.name ?? id;
}

function renderImpact(slot: HTMLElement, report: ImpactReport, frameworks: readonly Framework[]): void {
  const names = new Map(report.assets.map((a) => [a.id, a.name]));
  const stale = groupStale(report.staleEvidence);
  const deltas = sortDeltas(report.frameworks);
  slot.append(
    h(
      "section",
      { class: "card", "aria-labelledby": "impact-h-p", "data-testid": "impact-preview" },
      h(
        "h2",
        { id: "impact-h-p" },
        "Preview: ",
        names.get(report.assetId) ?? report.assetId,
        " changed at ",
        h("time", { datetime: report.at }, formatDateTime(report.at)),
      ),
      h(
        "p",
        { class: "muted" },
        h("span", { "data-testid": "touched-count" }, report.assetIds.length),
        ` asset${report.assetIds.length === 1 ? "" : "s"} touched${report.propagate ? " (propagated through the blast radius)" : ""}, `,
        h("span", { "data-testid": "stale-count" }, report.staleEvidence.length),
        ` evidence/asset pair${report.staleEvidence.length === 1 ? "" : "s"} go stale.`,
      ),
      h("h3", null, "Coverage, before → after"),
      deltas.length === 0
        ? emptyState("No framework's coverage depends on this change.")
        : h(
            "div",
            { class: "deltas" },
            deltas.map((d) =>
              h(
                "article",
                { class: "delta", "data-framework": d.frameworkId, "data-changes": d.changes.length },
                h("h4", null, frameworkName(frameworks, d.frameworkId)),
                h(
                  "ul",
                  { class: "delta-counts" },
                  countDeltas(d.before, d.after).map((c) =>
                    h(
                      "li",
                      { "data-count": c.key, "data-before": c.before, "data-after": c.after },
                      `${c.key}: ${c.before} → ${c.after} `,
                      h(
                        "span",
                        { class: c.delta === 0 ? "muted" : (c.key === "covered") === c.delta > 0 ? "good" : "bad" },
                        `(${signed(c.delta)})`,
                      ),
                    ),
                  ),
                ),
                d.changes.length
                  ? h(
                      "details",
                      { class: "changes-details", open: d.changes.length <= 6 },
                      h(
                        "summary",
                        null,
                        `${d.changes.length} criteri${d.changes.length === 1 ? "on changes" : "a change"} status`,
                      ),
                      h(
                        "ul",
                        { class: "changes" },
                        d.changes.map((c) =>
                          h(
                            "li",
                            { "data-criterion": c.criterionId, class: direction(c.before, c.after) },
                            h(
                              "a",
                              { href: criterionHash(c.criterionId) },
                              h("strong", null, c.criterion?.ref ?? c.criterionId),
                              ` ${c.criterion?.title ?? ""}`,
                            ),
                            " ",
                            statusBadge(c.before),
                            " → ",
                            statusBadge(c.after),
                          ),
                        ),
                      ),
                    )
                  : h("p", { class: "muted small" }, "No criterion changes status."),
              ),
            ),
          ),
      h("h3", null, `Assets touched (${report.assetIds.length})`),
      h(
        "ul",
        { class: "chips", "data-testid": "touched-assets" },
        report.assetIds.map((id) => h("li", { "data-asset": id }, assetLink(id, names.get(id) ?? id))),
      ),
      h("h3", null, `Evidence going stale (${plural(stale.length, "item")})`),
      stale.length
        ? // A long list folds (open when short), so the record button stays within reach.
          h(
            "details",
            { class: "fold", open: stale.length <= STALE_OPEN },
            h("summary", null, `The ${stale.length} item${stale.length === 1 ? "" : "s"}, by control`),
            scrollTable(
              "Evidence that becomes stale",
              ["Evidence", "Control", "Stale for"],
              stale.map((s) =>
                h(
                  "tr",
                  { "data-evidence": s.evidenceId },
                  h("th", { scope: "row" }, evidenceLink(s.evidenceId, s.first.evidence?.title ?? s.evidenceId)),
                  h("td", null, controlLink(s.controlId)),
                  h("td", null, s.assetIds.map((a) => names.get(a) ?? a).join(", ")),
                ),
              ),
              { "data-testid": "stale-evidence" },
            ),
          )
        : emptyState("No valid evidence goes stale."),
    ),
  );
}

function recordBlock(
  change: ChangeInput,
  preview: ImpactReport,
  frameworks: readonly Framework[],
  ctx: PageContext,
): HTMLElement {
  const allowed = canRecordChanges();
  const button = h(
    "button",
    { type: "button", class: "button button-danger", "data-testid": "record-change", disabled: !allowed },
    "Record change…",
  );
  const out = h("div", { class: "record-result", "aria-live": "polite" });
  const block = h(
    "section",
    { class: "card record", "aria-label": "Record the change" },
    h(
      "p",
      null,
      "Recording sets the asset's changed-at",
      change.propagate ? " (and that of its blast radius)" : "",
      ". It is written to the graph and the audit log, and cannot be undone.",
    ),
    button,
    allowed
      ? null
      : h(
          "p",
          { class: "muted small" },
          `Your role (${getMe()?.roles.join(", ").toLowerCase()}) may preview but not record changes; an editor or admin key can.`,
        ),
    out,
  );
  const assetName = preview.assets.find((a) => a.id === preview.assetId)?.name ?? preview.assetId;
  const staleItems = staleItemCount(preview.staleEvidence);
  const record = (): void => {
    button.disabled = true;
    const sentAt = Date.now();
    void load(
      out,
      "the recorded change",
      ctx.signal,
      async () => {
        const report = await recordChange(change, { signal: ctx.signal });
        const [totals, recorded] = await Promise.all([
          Promise.all(
            frameworks.map(async (f) => [f, await fetchCoverageTotals(f.id, null, { signal: ctx.signal })] as const),
          ),
          locateChange(change, sentAt, ctx.signal),
        ]);
        return { report, totals, recorded };
      },
      ({ report, totals, recorded }) => {
        out.append(recordedNote(report, assetName, recorded), coverageNow(totals));
        button.textContent = "Recorded";
        out.dataset.loaded = "true";
      },
    ).then(
      () => {
        if (!out.dataset.loaded) button.disabled = false;
      },
      (error: unknown) => replace(out, errorState(error)),
    );
  };
  button.addEventListener("click", () => {
    void confirmDialog({
      title: "Record this change?",
      body: [
        h(
          "p",
          { "data-testid": "record-question" },
          recordQuestion(assetName, preview.assetId, formatDateTime(preview.at), staleItems),
        ),
        preview.propagate && preview.assetIds.length > 1
          ? h(
              "p",
              { class: "muted" },
              `It propagates to ${preview.assetIds.length - 1} more assets of its blast radius.`,
            )
          : null,
      ],
      confirm: "Record change",
      testid: "record-dialog",
    }).then((yes) => {
      if (yes) record();
      else button.focus();
    });
  });
  return block;
}

/** The new record's id, looked up in the asset's history (the mutation answers with the impact, not the id). */
async function locateChange(change: ChangeInput, sentAt: number, signal: AbortSignal): Promise<string | null> {
  const facts = { at: change.at, kind: change.kind ?? "OTHER", note: change.note ?? null, sentAt };
  let after: string | null = null;
  // Newest first by instant: a change made now is on the first page; a back-dated one may be further.
  for (let page = 0; page < LOCATE_PAGES; page++) {
    const history = await fetchAssetChanges(change.asset, 50, after, { signal });
    if (!history) return null;
    const found = findRecordedChange(
      history.changes.edges.map((e) => e.node),
      facts,
    );
    if (found) return found.id;
    if (!history.changes.pageInfo.hasNextPage) return null;
    after = history.changes.pageInfo.endCursor;
  }
  return null;
}
const LOCATE_PAGES = 10;

/** After recording: where the change now lives, instead of a second copy of the preview. */
function recordedNote(report: ImpactReport, assetName: string, changeId: string | null): HTMLElement {
  const others = report.assetIds.length - 1;
  return h(
    "section",
    { class: "card", "data-testid": "impact-recorded", "aria-label": "Recorded" },
    h(
      "p",
      null,
      h("strong", null, "Recorded: "),
      `${assetName} changed at `,
      h("time", { datetime: report.at }, formatDateTime(report.at)),
      others > 0 ? ` (and ${others} asset${others === 1 ? "" : "s"} of its blast radius)` : "",
      ". ",
      h(
        "a",
        {
          href: buildHash("assets", null, { asset: report.assetId, change: changeId }),
          "data-testid": "recorded-change-link",
        },
        changeId ? "See the change in its history" : "See its change history",
      ),
      ".",
    ),
  );
}

function coverageNow(totals: readonly (readonly [Framework, StatusCounts])[]): HTMLElement {
  return h(
    "section",
    { class: "card", "data-testid": "coverage-now", "aria-label": "Coverage now" },
    h("h3", null, "Coverage now"),
    totals.map(([f, t]) =>
      h(
        "div",
        { "data-framework": f.id },
        h("h4", null, h("a", { href: buildHash("overview") }, f.name)),
        countsList(t, "now"),
      ),
    ),
  );
}
