/**
 * The engagement page's exceptions and remediation: the list with its filters (in the URL), each
 * exception's current remediation (overdue marked) and history; the "Record exception" form for
 * auditors and admins, a remediation form under each exception for editors and admins.
 */
import { fetchExceptions, recordException, recordRemediation, type ExceptionFilters } from "../api/audit";
import type { AuditException, EngagementDetail, Remediation, Sample } from "../api/types";
import {
  REMEDIATION_LABEL,
  REMEDIATION_STATUSES,
  SEVERITIES,
  SEVERITY_LABEL,
  checkException,
  checkRemediation,
  exceptionStanding,
  filtersFromParams,
  filtersToParams,
  samplesByControl,
} from "../shape/audit";
import { formatDateTime, toDateTimeInputValue } from "../shape/dates";
import { h, replace, type Child } from "../ui/dom";
import { evidenceLink } from "../ui/evidence-link";
import { clearProblems, showProblems, showWriteError } from "../ui/form-errors";
import { emptyState } from "../ui/states";
import { field, sectionCard, select, tag } from "../ui/widgets";
import { inScopeControls } from "./engagement-samples";
import { load, type PageContext } from "./page";

export const EXCEPTIONS_HEADING = "exceptions-h";

export interface ExceptionsAccess {
  record: boolean;
  remediate: boolean;
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
        () => refresh(),
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
    recordForm?.element,
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
        renderList(ctx, list, found, samples, access, refresh);
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
): { element: HTMLElement; set(f: ExceptionFilters): void } {
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
  const owner = h("input", { type: "search", name: "owner", autocomplete: "off" });
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
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    onChange(read());
  });
  for (const el of [status, overdue, severity, owner]) el.addEventListener("change", () => onChange(read()));
  return { element: form, set };
}

function renderList(
  ctx: PageContext,
  slot: HTMLElement,
  found: readonly AuditException[],
  samples: readonly Sample[],
  access: ExceptionsAccess,
  refresh: () => void,
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
          found.map((x) => exceptionEntry(ctx, x, uris, access, refresh)),
        )
      : emptyState("No exception matches these filters."),
  );
}

function exceptionEntry(
  ctx: PageContext,
  x: AuditException,
  uris: ReadonlyMap<string, string | null>,
  access: ExceptionsAccess,
  refresh: () => void,
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
      ` ${x.control} `,
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
    access.remediate ? remediationForm(ctx, x, refresh) : null,
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

const dateTimeValue = (iso: string | null | undefined): string =>
  iso && !Number.isNaN(Date.parse(iso)) ? toDateTimeInputValue(new Date(iso)) : "";

function remediationForm(ctx: PageContext, x: AuditException, refresh: () => void): HTMLElement {
  const c = x.current;
  const input = (name: string, type: string, value: string): HTMLInputElement =>
    h("input", { type, name, value, autocomplete: "off", "data-field": `remediation.${name}` });
  const owner = input("owner", "text", c?.owner ?? "");
  const due = input("due", "datetime-local", dateTimeValue(c?.due));
  const plan = h("textarea", { name: "plan", rows: 2, "data-field": "remediation.plan" }, c?.plan ?? "");
  const status = select(
    "status",
    REMEDIATION_STATUSES.map((s) => ({ value: s, label: REMEDIATION_LABEL[s] })),
    c?.status ?? "OPEN",
  );
  status.dataset.field = "remediation.status";
  const closedAt = input("closedAt", "datetime-local", "");
  const evidence = input("evidence", "text", c?.evidence.join(", ") ?? "");
  const alert = h("div", { "data-testid": "remediation-message" });
  const submit = h("button", { type: "submit", class: "button" }, "Record remediation");
  const form = h(
    "form",
    {
      class: "audit-form",
      "aria-label": `Remediation of ${x.id}`,
      "data-testid": "remediation-form",
      novalidate: true,
    },
    field("Owner", owner),
    field("Due (UTC)", due),
    field("Plan", plan),
    field("Status", status),
    field("Closed at (UTC)", closedAt, "Required once remediated or risk accepted; empty while open."),
    field("Evidence ids", evidence, "Comma separated."),
    h("div", { class: "toolbar" }, submit),
    alert,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const checked = checkRemediation(x.id, {
      owner: owner.value,
      due: due.value,
      plan: plan.value,
      status: status.value,
      closedAt: closedAt.value,
      evidence: evidence.value,
    });
    if (!checked.ok) return showProblems(form, alert, checked.problems);
    clearProblems(form, alert);
    submit.disabled = true;
    recordRemediation(checked.value, { signal: ctx.signal }).then(refresh, (error: unknown) => {
      submit.disabled = false;
      showWriteError(form, alert, error);
    });
  });
  return h(
    "details",
    { class: "remediation-edit" },
    h("summary", null, x.current ? "Update remediation" : "Add remediation"),
    form,
  );
}

function exceptionForm(
  ctx: PageContext,
  e: EngagementDetail,
  samples: () => readonly Sample[],
  onRecorded: () => void,
): { element: HTMLElement; refreshEvidence(): void } {
  const controls = inScopeControls(e);
  const control: HTMLSelectElement | HTMLInputElement = controls.length
    ? select(
        "control",
        controls.map((c) => ({ value: c.controlId, label: `${c.controlId} ${c.control?.title ?? ""}`.trim() })),
        null,
      )
    : h("input", { type: "text", name: "control", autocomplete: "off" });
  control.dataset.field = "exception.control";
  const evidence = h("select", { name: "evidence", "data-field": "exception.evidence" });
  const severity = select(
    "severity",
    SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s] })),
    "DEFICIENCY",
  );
  severity.dataset.field = "exception.severity";
  const foundAt = h("input", {
    type: "datetime-local",
    name: "foundAt",
    value: toDateTimeInputValue(ctx.now()),
    "data-field": "exception.foundAt",
  });
  const description = h("textarea", { name: "description", rows: 3, "data-field": "exception.description" });
  const alert = h("div", { "data-testid": "exception-message" });
  const submit = h("button", { type: "submit", class: "button" }, "Record exception");
  const refreshEvidence = (): void => {
    const drawn = samplesByControl(samples()).get(control.value)?.current.items ?? [];
    const keep = evidence.value;
    const ids = [...new Set(drawn.map((i) => i.evidence?.id ?? i.key.split("@")[0] ?? i.key))];
    replace(
      evidence,
      h("option", { value: "" }, drawn.length ? "None" : "None (the control has no recorded sample)"),
      ids.map((id) => h("option", { value: id, selected: id === keep }, id)),
    );
  };
  control.addEventListener("change", refreshEvidence);
  refreshEvidence();
  const form = h(
    "form",
    { class: "audit-form", "aria-labelledby": "record-exception-h", "data-testid": "exception-form", novalidate: true },
    h("h3", { id: "record-exception-h" }, "Record exception"),
    field("Control", control),
    field("Sampled evidence", evidence, "Optional: an item of the control's recorded sample."),
    field("Severity", severity),
    field("Found at (UTC)", foundAt),
    field("Description", description),
    h("div", { class: "toolbar" }, submit),
    alert,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const checked = checkException(e.id, {
      control: control.value,
      evidence: evidence.value,
      severity: severity.value,
      foundAt: foundAt.value,
      description: description.value,
    });
    if (!checked.ok) return showProblems(form, alert, checked.problems);
    clearProblems(form, alert);
    submit.disabled = true;
    recordException(checked.value, { signal: ctx.signal }).then(
      (created) => {
        submit.disabled = false;
        description.value = "";
        replace(
          alert,
          h("p", { class: "good", role: "status", "data-exception": created.id }, `Recorded exception ${created.id}.`),
        );
        onRecorded();
      },
      (error: unknown) => {
        submit.disabled = false;
        showWriteError(form, alert, error);
      },
    );
  });
  return { element: form, refreshEvidence };
}
