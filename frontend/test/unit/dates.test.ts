import { describe, expect, it } from "vitest";
import {
  addMonthsUtc,
  asOfFromDateInput,
  daysBetween,
  defaultPeriod,
  formatDate,
  formatDateTime,
  fromDateTimeInputValue,
  periodRange,
  toDateInputValue,
  toDateTimeInputValue,
} from "../../src/shape/dates";

const now = new Date("2026-11-20T15:30:00Z");

describe("asOfFromDateInput", () => {
  it("asks for now (no asOf) for today or no pick", () => {
    expect(asOfFromDateInput("2026-11-20", now)).toBeNull();
    expect(asOfFromDateInput("", now)).toBeNull();
    expect(asOfFromDateInput(null, now)).toBeNull();
    expect(asOfFromDateInput("not a date", now)).toBeNull();
  });

  it("asks for the last second of another UTC day", () => {
    expect(asOfFromDateInput("2026-06-30", now)).toBe("2026-06-30T23:59:59Z");
  });
});

describe("periods", () => {
  it("defaults to the 12 months ending yesterday, the last whole day", () => {
    expect(defaultPeriod(now)).toEqual({ start: "2025-11-20", end: "2026-11-19" });
    expect(defaultPeriod(new Date("2026-03-01T00:00:00Z"))).toEqual({ start: "2025-03-01", end: "2026-02-28" });
  });

  it("turns inclusive days into a half-open instant range", () => {
    expect(periodRange("2025-11-21", "2026-11-20")).toEqual({
      start: "2025-11-21T00:00:00Z",
      end: "2026-11-21T00:00:00Z",
    });
  });

  it("adds months clamping to shorter months", () => {
    expect(addMonthsUtc(new Date("2026-03-31T00:00:00Z"), -1).toISOString()).toBe("2026-02-28T00:00:00.000Z");
    expect(addMonthsUtc(new Date("2026-01-15T12:00:00Z"), -12).toISOString()).toBe("2025-01-15T12:00:00.000Z");
  });
});

describe("inputs and formatting", () => {
  it("writes and reads datetime-local values as UTC", () => {
    expect(toDateTimeInputValue(now)).toBe("2026-11-20T15:30");
    expect(fromDateTimeInputValue("2026-11-20T15:30")).toBe("2026-11-20T15:30:00Z");
    expect(fromDateTimeInputValue("2026-11-20T15:30:45")).toBe("2026-11-20T15:30:45Z");
    expect(fromDateTimeInputValue("garbage")).toBeNull();
    expect(toDateInputValue(now)).toBe("2026-11-20");
  });

  it("formats instants in UTC", () => {
    expect(formatDate("2026-11-20T23:30:00-02:00")).toBe("2026-11-21");
    expect(formatDateTime("2026-11-20T15:30:00Z")).toBe("2026-11-20 15:30 UTC");
    expect(formatDate(null)).toBe("—");
  });

  it("counts whole days", () => {
    expect(daysBetween("2026-11-01T00:00:00Z", "2026-11-20T15:00:00Z")).toBe(19);
    expect(daysBetween("2026-11-20T00:00:00Z", "2026-11-19T00:00:00Z")).toBe(-1);
  });
});
