/** The Type II gaps as CSV: one row per gap interval, its days inclusive as the period pickers read. */
import type { ControlPeriod } from "../api/types";
import { toCsv } from "./csv";
import { formatDate } from "./dates";

export const GAPS_COLUMNS = [
  "Control",
  "Control title",
  "Frequency",
  "Gap from (UTC day)",
  "Gap to (UTC day, inclusive)",
] as const;

type GapControl = Pick<ControlPeriod, "controlId" | "frequency" | "intervals"> & {
  control: { title: string } | null;
};

/** The last UTC day an interval [start, end) touches. */
function lastDay(end: string): string {
  return formatDate(new Date(Date.parse(end) - 1).toISOString());
}

export function gapsCsv(controls: readonly GapControl[]): string {
  return toCsv(
    GAPS_COLUMNS,
    controls.flatMap((c) =>
      c.intervals
        .filter((i) => i.isGap)
        .map((i) => [
          c.controlId,
          c.control?.title ?? "",
          c.frequency.toLowerCase(),
          formatDate(i.start),
          lastDay(i.end),
        ]),
    ),
  );
}
