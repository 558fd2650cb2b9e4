/** Runs of a Type II control's intervals: consecutive intervals operated the same way, merged and placed. */
import type { GapInterval } from "../api/types";
import {
  intervalOperation,
  observedSpan,
  operationKind,
  operationLabel,
  type IntervalOperation,
  type ObservedSpan,
  type OperatingItem,
  type OperationKind,
} from "./observation";

export interface TimelineSegment {
  x: number;
  width: number;
  isGap: boolean;
  start: string;
  end: string;
  /** How many expected intervals the segment merges. */
  intervals: number;
  evidenceCount: number;
  /** How its intervals were operated: by an observation period, by items collected in them, … */
  kind: OperationKind;
  /** The items that operated them (see shape/observation.ts). */
  operation: IntervalOperation;
  /** What a reader is told about the segment ("observed by …", "collected …", "gap: …"). */
  label: string;
}

function scale(start: number, end: number, width: number): (t: number) => number {
  const span = end - start;
  return (t) => (span > 0 ? ((Math.min(Math.max(t, start), end) - start) / span) * width : 0);
}

type Run = Omit<TimelineSegment, "x" | "width" | "label">;

/**
 * Merge consecutive intervals operated the same way (gap, observed, collected) into segments and
 * place them on [0, width] for the period [periodStart, periodEnd). Segments are contiguous when
 * the intervals are, and never leave the period. `evidence` (the control's items) says what
 * operated each interval; without it a non-gap run only carries the API's evidence count.
 */
export function timelineSegments(
  intervals: readonly GapInterval[],
  periodStart: string,
  periodEnd: string,
  width: number,
  evidence: readonly OperatingItem[] = [],
): TimelineSegment[] {
  const x = scale(Date.parse(periodStart), Date.parse(periodEnd), width);
  const sorted = [...intervals].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const runs: Run[] = [];
  for (const iv of sorted) {
    const operation = iv.isGap ? { observedBy: [], collected: [] } : intervalOperation(iv, evidence);
    const kind = operationKind(iv.isGap, operation);
    const last = runs[runs.length - 1];
    if (last && last.kind === kind && Date.parse(last.end) === Date.parse(iv.start)) {
      last.end = iv.end;
      last.intervals += 1;
      last.evidenceCount += iv.evidenceCount;
      for (const id of operation.observedBy)
        if (!last.operation.observedBy.includes(id)) last.operation.observedBy.push(id);
      for (const c of operation.collected)
        if (!last.operation.collected.some((o) => o.id === c.id)) last.operation.collected.push(c);
    } else {
      runs.push({
        isGap: iv.isGap,
        start: iv.start,
        end: iv.end,
        intervals: 1,
        evidenceCount: iv.evidenceCount,
        kind,
        operation,
      });
    }
  }
  const spans = new Map<string, ObservedSpan>();
  for (const ev of evidence) {
    const span = observedSpan(ev);
    if (span) spans.set(ev.id, span);
  }
  return runs.map((r) => {
    const x0 = x(Date.parse(r.start));
    const label = operationLabel(r.kind, r.operation, r.intervals, r.evidenceCount, spans);
    return { ...r, x: x0, width: x(Date.parse(r.end)) - x0, label };
  });
}
