import { describe, expect, it } from "vitest";
import { plural, relationshipSentence, strengthTitle, strengthWord } from "../../src/shape/words";

describe("plural", () => {
  it("says 1 vendor and 0 or 2 vendors, with irregular plurals", () => {
    expect(plural(1, "vendor")).toBe("1 vendor");
    expect(plural(0, "vendor")).toBe("0 vendors");
    expect(plural(2, "vendor")).toBe("2 vendors");
    expect(plural(1, "criterion", "criteria")).toBe("1 criterion");
    expect(plural(61, "criterion", "criteria")).toBe("61 criteria");
  });
});

describe("strength words", () => {
  it("reads 1-3 as weak, 4-7 as medium, 8-10 as strong", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(strengthWord)).toEqual([
      "weak",
      "weak",
      "weak",
      "medium",
      "medium",
      "medium",
      "medium",
      "strong",
      "strong",
      "strong",
    ]);
  });

  it("gives the value on hover", () => {
    expect(strengthTitle(5)).toContain("strength 5 of 10");
  });
});

describe("relationship sentences", () => {
  it("read as plain English", () => {
    expect(relationshipSentence("CC6.4", "INTERSECTS_WITH", "A.7.2")).toBe("CC6.4 intersects A.7.2");
    expect(relationshipSentence("CC6.1", "EQUAL", "A.5.15")).toBe("CC6.1 equals A.5.15");
    expect(relationshipSentence("CC1.1", "SUBSET_OF", "A.5.1")).toBe("CC1.1 is a subset of A.5.1");
    expect(relationshipSentence("CC1.1", "SUPERSET_OF", "A.5.1")).toBe("CC1.1 is a superset of A.5.1");
  });
});
