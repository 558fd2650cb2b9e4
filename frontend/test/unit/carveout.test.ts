// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { carvedOutCriteria, reportName, reportState } from "../../src/shape/carveout";
import { carvedOutFlag } from "../../src/ui/widgets";

describe("vendor reports (DESIGN.md 'Carved-out control')", () => {
  const until = "2027-03-31T00:00:00Z";
  it("stand in while reportValidUntil > T: a report ending exactly at T has expired", () => {
    expect(reportState({ reportValidUntil: until }, new Date("2027-03-30T23:59:59.999Z"))).toBe("VALID");
    expect(reportState({ reportValidUntil: until }, new Date(until))).toBe("EXPIRED");
    expect(reportState({ reportValidUntil: null }, new Date(until))).toBe("MISSING");
  });

  it("are named by their kind", () => {
    expect(reportName("SOC2_TYPE2")).toBe("SOC 2 Type II report");
    expect(reportName("ISO27001")).toBe("ISO 27001 report");
    expect(reportName("OTHER")).toBe("report");
    expect(reportName(null)).toBe("report");
  });
});

describe("carved-out criteria", () => {
  it("are those flagged, whatever their status, by ref", () => {
    const rows = [
      { ref: "CC6.10", carvedOut: true, status: "PARTIAL" },
      { ref: "CC6.4", carvedOut: true, status: "COVERED" },
      { ref: "CC6.1", carvedOut: false, status: "COVERED" },
    ];
    expect(carvedOutCriteria(rows).map((r) => r.ref)).toEqual(["CC6.4", "CC6.10"]);
  });

  it("carry a visible flag that explains itself", () => {
    const flag = carvedOutFlag();
    expect(flag.textContent).toBe("carved out");
    expect(flag.dataset.testid).toBe("carved-out");
    expect(flag.getAttribute("title")).toContain("subservice organization");
  });
});
