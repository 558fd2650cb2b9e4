/**
 * The exceptions section's forms: "Record exception" (auditors, admins) and an exception's
 * remediation (editors, admins). Each is checked before it is sent; a refusal, the form's or
 * the API's, is shown on the field it names.
 */
import { recordException, recordRemediation } from "../api/audit";
import type { AuditException, EngagementDetail, Sample } from "../api/types";
import {
  REMEDIATION_LABEL,
  REMEDIATION_STATUSES,
  SEVERITIES,
  SEVERITY_LABEL,
  checkException,
  checkRemediation,
  samplesByControl,
} from "../shape/audit";
import { toDateTimeInputValue } from "../shape/dates";
import { h, replace } from "../ui/dom";
import { clearProblems, showProblems, showWriteError } from "../ui/form-errors";
import { field, select } from "../ui/widgets";
import { inScopeControls } from "./engagement-samples";
import type { PageContext } from "./page";

const dateTimeValue = (iso: string | null | undefined): string =>
  iso && !Number.isNaN(Date.parse(iso)) ? toDateTimeInputValue(new Date(iso)) : "";

export function remediationForm(ctx: PageContext, x: AuditException, refresh: () => void): HTMLElement {
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

export function exceptionForm(
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
