/** Small shared components: status badges, stacked coverage bars, labelled fields. */
import type { CoverageStatus, Framework, StatusCounts } from "../api/types";
import { STATUS_LABEL, barShares, percent } from "../shape/coverage";
import { buildHash } from "../router";
import { h, uid, type Child } from "./dom";

export function statusBadge(status: CoverageStatus): HTMLElement {
  return h("span", { class: `badge badge-${status.toLowerCase()}`, "data-status": status }, STATUS_LABEL[status]);
}

export function tag(text: string, kind = "neutral"): HTMLElement {
  return h("span", { class: `tag tag-${kind}` }, text);
}

/** The flag beside a carved-out criterion's status: its controls are the subservice organizations'. */
export function carvedOutFlag(): HTMLElement {
  return h(
    "span",
    {
      class: "tag tag-carved",
      "data-testid": "carved-out",
      title: "Every control counting for it is carved out: a subservice organization's report stands in for evidence",
    },
    "carved out",
  );
}

/** A stacked bar with a text equivalent (the bar itself is hidden from screen readers). */
export function coverageBar(counts: StatusCounts, label: string): HTMLElement {
  const s = barShares(counts);
  const text = `${label}: ${counts.covered} of ${counts.total} covered (${percent(counts.covered, counts.total)}%), ${counts.partial} partial, ${counts.uncovered} uncovered`;
  return h(
    "div",
    { class: "coverage-bar-wrap" },
    h(
      "div",
      { class: "coverage-bar", "aria-hidden": "true", title: text },
      h("span", { class: "seg seg-covered", style: { width: `${s.covered}%` } }),
      h("span", { class: "seg seg-partial", style: { width: `${s.partial}%` } }),
      h("span", { class: "seg seg-uncovered", style: { width: `${s.uncovered}%` } }),
    ),
    h("span", { class: "visually-hidden" }, text),
  );
}

/** Covered / partial / uncovered / total as a definition list; each number carries data-count. */
export function countsList(counts: StatusCounts, scope: string): HTMLElement {
  const item = (key: keyof StatusCounts, label: string): Child[] => [
    h("dt", null, label),
    h("dd", { "data-count": key, "data-scope": scope, class: `count count-${key}` }, counts[key]),
  ];
  return h(
    "dl",
    { class: "counts" },
    item("covered", "Covered"),
    item("partial", "Partial"),
    item("uncovered", "Uncovered"),
    item("total", "Criteria"),
  );
}

/** A labelled form control: <div class=field><label for=…>…</label>control</div>. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || uid("field");
  control.id = id;
  let hintEl: HTMLElement | null = null;
  if (hint) {
    hintEl = h("span", { class: "hint", id: `${id}-hint` }, hint);
    control.setAttribute("aria-describedby", hintEl.id);
  }
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hintEl);
}

export function select(
  name: string,
  options: readonly { value: string; label: string }[],
  value: string | null,
): HTMLSelectElement {
  const el = h("select", { name });
  for (const o of options) {
    const opt = h("option", { value: o.value }, o.label);
    if (o.value === (value ?? "")) opt.selected = true;
    el.append(opt);
  }
  return el;
}

export function frameworkOptions(frameworks: readonly Framework[]): { value: string; label: string }[] {
  return frameworks.map((f) => ({ value: f.id, label: f.name }));
}

/** A page section: a card labelled by its h2. */
export function sectionCard(id: string, title: string, testid: string, ...children: Child[]): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-labelledby": id, "data-testid": testid },
    h("h2", { id }, title),
    ...children,
  );
}

export function pageHeader(title: string, lead?: string): HTMLElement {
  return h(
    "header",
    { class: "page-header" },
    h("h1", { tabindex: "-1" }, title),
    lead ? h("p", { class: "lead" }, lead) : null,
  );
}

/** A table inside a scroll container that is keyboard-focusable (so it can scroll on phones). */
export function scrollTable(
  caption: string,
  head: readonly string[],
  rows: HTMLTableRowElement[],
  extra: Record<string, string> = {},
): HTMLElement {
  const table = h(
    "table",
    { class: "table", ...extra },
    h("caption", null, caption),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        head.map((c) => h("th", { scope: "col" }, c)),
      ),
    ),
    h("tbody", null, rows),
  );
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": caption }, table);
}

/** Hand a text file to the browser as a download. */
export function downloadText(fileName: string, text: string, mime = "text/csv;charset=utf-8"): void {
  downloadBlob(fileName, new Blob([text], { type: mime }));
}

/** Hand a file to the browser as a download, through an object URL. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: fileName, class: "visually-hidden" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The trail above an entity page: Overview, its section (none for a criterion), then the page's id. */
export function breadcrumbs(section: string | null, current: string): HTMLElement {
  return h(
    "nav",
    { class: "breadcrumbs", "aria-label": "Breadcrumb" },
    h("a", { href: buildHash("overview") }, "Overview"),
    section ? ` / ${section} / ` : " / ",
    h("span", { "aria-current": "page" }, current),
  );
}
