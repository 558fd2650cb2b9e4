/**
 * The engagement page's exceptions and remediation: the list with its filters (in the URL), each
 * exception's current remediation (overdue marked) and history; the "Record exception" form for
 * auditors and admins, a remediation form under each exception for editors and admins.
 */
import { fetchExceptions, type ExceptionFilters } from "../api/audit";
import type { AuditException, EngagementDetail, Remediation, Sample } from "../api/types";
import {
  REMEDIATION_LABEL,
  SEVERITIES,
  SEVERITY_LABEL,
  exceptionStanding,
  filtersFromParams,
  filtersToParams,
} from "../shape/audit";
import { formatDateTime } from "../shape/dates";
import { disclosure } from "../ui/disclosure";
import { h, replace, type Child } from "../ui/dom";
import { evidenceLink } from "../ui/evidence-link";
import { emptyState } from "../ui/states";
import { field, sectionCard, select, tag } from "../ui/widgets";
import { exceptionForm, remediationForm } from "./exception-forms";
import { load, type PageContext } from "./page";
import { controlLink } from "../ui/links";

export const EXCEPTIONS_HEADING = "exceptions-h";

export interface ExceptionsAccess {
  record: boolean;
  remediate: boolean;
  /** Called after an exception or a remediation was recorded (the criteria's open counts follow). */
  written(): void;
}

export interface ExceptionsCard {
  element: HTMLElement;
  /** Show only open exceptions and bring the section into view (a criterion's "N open exceptions" link). */
  showOpen(): void;
  /** The recorded samples changed: the form's evidence choices follow. */
  samplesChanged(samples: readonly Sample[]): void;
}

export function exceptionsCard(
  ctx: PageContext,
  e: EngagementDetail,
  initialSamples: readonly Sample[],
  access: ExceptionsAccess,
): ExceptionsCard {
  let samples = initialSamples;
  let filters = filtersFromParams(ctx.route.params);
  const list = h("div", { "data-testid": "exception-list" });
  const filterForm = filtersForm(filters, (next) => {
    filters = next;
    refresh();
  });
  const recordForm = access.record
    ? exceptionForm(
        ctx,
        e,
        () => samples,
        () => {
          refresh();
          access.written();
        },
      )
    : null;
  const element = sectionCard(
    EXCEPTIONS_HEADING,
    "Exceptions and remediation",
    "engagement-exceptions",
    h(
      "p",
      { class: "muted" },
      "Exceptions the auditors recorded in this engagement. Open: not superseded and its current remediation open (or none); overdue: open and past its due.",
    ),
    filterForm.element,
    list,
    recordForm ? disclosure("Record exception", "exception-form-fold", recordForm.element) : null,
  );
  element.id = "exceptions";

  const refresh = (): void => {
    ctx.setParams(filtersToParams(filters));
    delete list.dataset.loaded;
    void load(
      list,
      "the exceptions",
      ctx.signal,
      () => fetchExceptions(e.id, filters, { signal: ctx.signal }),
      (found) => {
        filterForm.knowOwners(found);
        renderList(ctx, list, found, samples, access, () => {
          refresh();
          access.written();
        });
        list.dataset.loaded = "true";
      },
    );
  };
  refresh();
  return {
    element,
    showOpen() {
      filters = { ...filters, open: true };
      filterForm.set(filters);
      refresh();
      element.scrollIntoView({ block: "start" });
      element.querySelector<HTMLElement>("h2")?.setAttribute("tabindex", "-1");
      element.querySelector<HTMLElement>("h2")?.focus();
    },
    samplesChanged(next) {
      samples = next;
      recordForm?.refreshEvidence();
    },
  };
}

function filtersForm(
  initial: ExceptionFilters,
  onChange: (f: ExceptionFilters) => void,
): { element: HTMLElement; set(f: ExceptionFilters): void; knowOwners(found: readonly AuditException[]): void } {
  const status = select(
    "open",
    [
      { value: "", label: "Any status" },
      { value: "1", label: "Open" },
      { value: "0", label: "Closed or superseded" },
    ],
    null,
  );
  const overdue = h("input", { type: "checkbox", name: "overdue", id: "exceptions-overdue" });
  const severity = select(
    "severity",
    [{ value: "", label: "Any severity" }, ...SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s] }))],
    null,
  );
  // The owner filter is an exact match: offer the owners of the exceptions seen so far.
  const owners = h("datalist", { id: "exception-owners" });
  const known = new Set<string>();
  const owner = h("input", { type: "search", name: "owner", autocomplete: "off", list: owners.id });
  const set = (f: ExceptionFilters): void => {
    status.value = f.open === null ? "" : f.open ? "1" : "0";
    overdue.checked = !!f.overdue;
    severity.value = f.severity ?? "";
    owner.value = f.owner ?? "";
  };
  set(initial);
  const read = (): ExceptionFilters =>
    filtersFromParams({
      open: status.value,
      overdue: overdue.checked ? "1" : "",
      severity: severity.value,
      owner: owner.value,
    });
  const form = h(
    "form",
    { class: "toolbar", "aria-label": "Exception filters", "data-testid": "exception-filters" },
    field("Status", status),
    h("div", { class: "field field-check" }, overdue, h("label", { for: "exceptions-overdue" }, "Overdue only")),
    field("Severity", severity),
    field("Remediation owner", owner, "Exact name; Enter applies it."),
    owners,
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    onChange(read());
  });
  for (const el of [status, overdue, severity, owner]) el.addEventListener("change", () => onChange(read()));
  const knowOwners = (found: readonly AuditException[]): void => {
    for (const x of found) for (const r of x.remediations) known.add(r.owner);
    replace(
      owners,
      [...known].sort().map((o) => h("option", { value: o })),
    );
  };
  return { element: form, set, knowOwners };
}

function renderList(
  ctx: PageContext,
  slot: HTMLElement,
  found: readonly AuditException[],
  samples: readonly Sample[],
  access: ExceptionsAccess,
  /** After a remediation was recorded. */
  written: () => void,
): void {
  const uris = new Map<string, string | null>();
  for (const s of samples) for (const i of s.items) if (i.evidence) uris.set(i.evidence.id, i.evidence.uri);
  replace(
    slot,
    h(
      "p",
      { role: "status" },
      h("strong", { "data-testid": "exception-count" }, found.length),
      ` exception${found.length === 1 ? "" : "s"} match.`,
    ),
    found.length
      ? h(
          "ol",
          { class: "exceptions" },
          found.map((x) => exceptionEntry(ctx, x, uris, access, written)),
        )
      : emptyState("No exception matches these filters."),
  );
}

function exceptionEntry(
  ctx: PageContext,
  x: AuditException,
  uris: ReadonlyMap<string, string | null>,
  access: ExceptionsAccess,
  written: () => void,
): HTMLElement {
  const { open, overdue } = exceptionStanding(x, ctx.now());
  const headingId = `exception-${x.id}-h`;
  return h(
    "li",
    {
      class: "exception",
      "data-exception": x.id,
      "data-control": x.control,
      "data-severity": x.severity,
      "data-open": open ? "1" : "0",
      "data-overdue": overdue ? "1" : "0",
      "aria-labelledby": headingId,
    },
    h(
      "h3",
      { id: headingId },
      tag(SEVERITY_LABEL[x.severity], x.severity === "DEFICIENCY" ? "neutral" : "bad"),
      " ",
      controlLink(x.control),
      " ",
      h("span", { class: "muted small" }, x.id),
      open ? null : [" ", tag(x.supersededBy ? `superseded by ${x.supersededBy}` : "closed", "good")],
    ),
    h("p", { "data-testid": "description" }, x.description),
    h(
      "dl",
      { class: "scope" },
      h("dt", null, "Found at"),
      h("dd", null, h("time", { datetime: x.foundAt }, formatDateTime(x.foundAt))),
      h("dt", null, "Sampled evidence"),
      h(
        "dd",
        { "data-testid": "exception-evidence" },
        x.evidence ? evidenceLink(x.evidence, uris.get(x.evidence)) : "—",
      ),
      h("dt", null, "Recorded"),
      h("dd", null, formatDateTime(x.recordedAt), x.recordedBy ? ` by ${x.recordedBy}` : ""),
      h("dt", null, "Remediation"),
      h("dd", { "data-testid": "current-remediation" }, x.current ? remediationWords(x.current, overdue) : "none yet"),
    ),
    x.remediations.length
      ? h(
          "details",
          { class: "remediation-history" },
          h("summary", null, `Remediation history (${x.remediations.length})`),
          h(
            "ol",
            null,
            x.remediations.map((r) =>
              h(
                "li",
                { "data-remediation": r.id, "data-status": r.status },
                h("time", { datetime: r.recordedAt ?? "" }, formatDateTime(r.recordedAt)),
                r.recordedBy ? ` ${r.recordedBy}` : "",
                ": ",
                remediationWords(r, false),
                r.plan ? h("span", { class: "muted" }, ` Plan: ${r.plan}`) : null,
              ),
            ),
          ),
        )
      : null,
    access.remediate ? remediationForm(ctx, x, written) : null,
  );
}

function remediationWords(r: Remediation, overdue: boolean): Child[] {
  return [
    h("span", { "data-status": r.status }, REMEDIATION_LABEL[r.status]),
    `, owner ${r.owner}, due `,
    h("time", { datetime: r.due }, formatDateTime(r.due)),
    overdue ? [" ", h("span", { class: "tag tag-bad", "data-testid": "overdue" }, "overdue")] : null,
    r.closedAt ? [", closed ", h("time", { datetime: r.closedAt }, formatDateTime(r.closedAt))] : null,
    r.evidence.length ? `, evidence ${r.evidence.join(", ")}` : null,
  ];
}
