/**
 * The audit in data: which sample of a control is current, whether an exception is open or
 * overdue (the API's rule), the filters in the URL, and the forms' values checked and turned into
 * the API's inputs. Field names are the API's (`exception.foundAt`), so its errors land on the same fields.
 */
import type { ExceptionFilters } from "../api/audit";
import type {
  AuditException,
  ExceptionInput,
  ExceptionSeverity,
  RemediationInput,
  RemediationStatus,
  Sample,
  SampleItem,
} from "../api/types";
import { formatDateTime, fromDateTimeInputValue } from "./dates";

/** A refusal of one field, as the API's `extensions.fields` entries read. */
export interface FieldProblem {
  field: string;
  reason: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export const SEVERITIES: readonly ExceptionSeverity[] = ["DEFICIENCY", "SIGNIFICANT_DEFICIENCY", "MATERIAL_WEAKNESS"];
export const SEVERITY_LABEL: Readonly<Record<ExceptionSeverity, string>> = {
  DEFICIENCY: "Deficiency",
  SIGNIFICANT_DEFICIENCY: "Significant deficiency",
  MATERIAL_WEAKNESS: "Material weakness",
};

export const REMEDIATION_STATUSES: readonly RemediationStatus[] = ["OPEN", "REMEDIATED", "RISK_ACCEPTED"];
export const REMEDIATION_LABEL: Readonly<Record<RemediationStatus, string>> = {
  OPEN: "Open",
  REMEDIATED: "Remediated",
  RISK_ACCEPTED: "Risk accepted",
};

/** "1 open exception", "3 open exceptions". */
export function openExceptionsWords(count: number): string {
  return `${count} open exception${count === 1 ? "" : "s"}`;
}

/** A control's recorded samples: the current one (redrawn by none) and those it replaced, oldest first. */
export interface ControlSamples {
  current: Sample;
  earlier: Sample[];
}

export function samplesByControl(samples: readonly Sample[]): Map<string, ControlSamples> {
  const redrawn = new Set(samples.map((s) => s.redrawOf).filter((id): id is string => !!id));
  const groups = new Map<string, Sample[]>();
  for (const s of samples) groups.set(s.control, [...(groups.get(s.control) ?? []), s]);
  const out = new Map<string, ControlSamples>();
  for (const [control, group] of groups) {
    const current = [...group].reverse().find((s) => !redrawn.has(s.id)) ?? group[group.length - 1]!;
    out.set(control, { current, earlier: group.filter((s) => s !== current) });
  }
  return out;
}

/** When a drawn unit operated: its interval for an observation-period item, else when it was collected. */
export function unitWhen(item: Pick<SampleItem, "collectedAt" | "intervalStart" | "intervalEnd">): string {
  const collected = `collected ${formatDateTime(item.collectedAt)}`;
  if (!item.intervalStart || !item.intervalEnd) return collected;
  return `${collected}; interval ${formatDateTime(item.intervalStart)} to ${formatDateTime(item.intervalEnd)}`;
}

/** Open: not superseded and its current remediation open (or none); overdue: open and past its due. */
export function exceptionStanding(
  e: Pick<AuditException, "supersededBy"> & { current: { status: RemediationStatus; due: string } | null },
  now: Date,
): { open: boolean; overdue: boolean } {
  const open = !e.supersededBy && (!e.current || e.current.status === "OPEN");
  const overdue = open && !!e.current && Date.parse(e.current.due) < now.getTime();
  return { open, overdue };
}

/** The exception filters a URL's params name (`open=1|0`, `overdue=1`, `severity=`, `owner=`). */
export function filtersFromParams(p: Readonly<Record<string, string>>): ExceptionFilters {
  const severity = (SEVERITIES as readonly string[]).includes(p.severity ?? "")
    ? (p.severity as ExceptionSeverity)
    : null;
  return {
    open: p.open === "1" ? true : p.open === "0" ? false : null,
    overdue: p.overdue === "1" ? true : null,
    owner: p.owner?.trim() || null,
    severity,
  };
}

export function filtersToParams(f: ExceptionFilters): Record<string, string | null> {
  return {
    open: f.open === null ? null : f.open ? "1" : "0",
    overdue: f.overdue ? "1" : null,
    owner: f.owner,
    severity: f.severity,
  };
}

const required = (field: string, value: string, problems: FieldProblem[]): void => {
  if (!value.trim()) problems.push({ field, reason: "is required" });
};

/** An instant from a datetime-local value read as UTC, or a problem naming the field. */
function instant(field: string, value: string, problems: FieldProblem[], optional = false): string | null {
  if (!value.trim()) {
    if (!optional) problems.push({ field, reason: "is required" });
    return null;
  }
  const iso = fromDateTimeInputValue(value);
  if (!iso) problems.push({ field, reason: "must be a date and time (YYYY-MM-DDTHH:MM, UTC)" });
  return iso;
}

export interface DrawValues {
  control: string;
  seed: string;
  redraw: boolean;
  reason: string;
}

/**
 * A draw the API would take, checked first: a control with a recorded sample is never redrawn
 * silently, so another seed needs "redraw" and a reason (the recorded seed just reads it back).
 */
export function checkDraw(
  v: DrawValues,
  recorded: Pick<Sample, "seed"> | null,
): Checked<{ control: string; seed: string; redraw: boolean; reason: string | null }> {
  const problems: FieldProblem[] = [];
  required("control", v.control, problems);
  required("seed", v.seed, problems);
  const seed = v.seed.trim();
  const reason = v.reason.trim();
  if (recorded && seed && seed !== recorded.seed && !v.redraw)
    problems.push({
      field: "redraw",
      reason: `a sample with seed ${recorded.seed} is recorded for ${v.control}: tick redraw and give a reason, or use that seed`,
    });
  if (v.redraw && !recorded)
    problems.push({ field: "redraw", reason: `there is no recorded sample of ${v.control} to redraw` });
  if (v.redraw && !reason) problems.push({ field: "reason", reason: "is required to redraw a recorded sample" });
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { control: v.control, seed, redraw: v.redraw, reason: v.redraw ? reason : null } };
}

export interface ExceptionValues {
  control: string;
  evidence: string;
  severity: string;
  foundAt: string;
  description: string;
}

export function checkException(engagement: string, v: ExceptionValues): Checked<ExceptionInput> {
  const problems: FieldProblem[] = [];
  required("exception.control", v.control, problems);
  if (!(SEVERITIES as readonly string[]).includes(v.severity))
    problems.push({ field: "exception.severity", reason: `must be one of ${SEVERITIES.join(", ")}` });
  const foundAt = instant("exception.foundAt", v.foundAt, problems);
  required("exception.description", v.description, problems);
  if (problems.length || !foundAt) return { ok: false, problems };
  return {
    ok: true,
    value: {
      engagement,
      control: v.control.trim(),
      evidence: v.evidence.trim() || null,
      severity: v.severity as ExceptionSeverity,
      foundAt,
      description: v.description.trim(),
      supersedes: null,
      id: null,
    },
  };
}

export interface RemediationValues {
  owner: string;
  due: string;
  plan: string;
  status: string;
  closedAt: string;
  evidence: string;
}

/** Evidence ids typed as a list: commas, spaces or line breaks between them. */
export function evidenceIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export function checkRemediation(exception: string, v: RemediationValues): Checked<RemediationInput> {
  const problems: FieldProblem[] = [];
  required("remediation.owner", v.owner, problems);
  const due = instant("remediation.due", v.due, problems);
  required("remediation.plan", v.plan, problems);
  const status = (REMEDIATION_STATUSES as readonly string[]).includes(v.status)
    ? (v.status as RemediationStatus)
    : null;
  if (!status)
    problems.push({ field: "remediation.status", reason: `must be one of ${REMEDIATION_STATUSES.join(", ")}` });
  const closedAt = instant("remediation.closedAt", v.closedAt, problems, true);
  if (status && status !== "OPEN" && !v.closedAt.trim())
    problems.push({ field: "remediation.closedAt", reason: `is required when the status is ${status}` });
  if (status === "OPEN" && closedAt)
    problems.push({ field: "remediation.closedAt", reason: "must be empty while the remediation is open" });
  if (problems.length || !due || !status) return { ok: false, problems };
  return {
    ok: true,
    value: {
      exception,
      owner: v.owner.trim(),
      due,
      plan: v.plan.trim(),
      status,
      closedAt,
      evidence: evidenceIds(v.evidence),
      id: null,
    },
  };
}

/** Whether a link may point at this URI (an evidence file's `uri`): only http(s). */
export function isWebLink(uri: string | null | undefined): uri is string {
  return !!uri && /^https?:\/\//i.test(uri);
}
