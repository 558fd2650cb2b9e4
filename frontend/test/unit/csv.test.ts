import { describe, expect, it } from "vitest";
import { csvEscape, parseCsv, toCsv } from "../../src/shape/csv";

describe("csvEscape", () => {
  it("leaves plain fields alone", () => {
    expect(csvEscape("AGC-INF-05")).toBe("AGC-INF-05");
    expect(csvEscape(42)).toBe("42");
    expect(csvEscape(null)).toBe("");
    expect(csvEscape(undefined)).toBe("");
  });

  it("quotes commas, quotes, line breaks and edge spaces, doubling quotes", () => {
    expect(csvEscape("a,b")).toBe('"a,b"');
    expect(csvEscape('say "hi"')).toBe('"say ""hi"""');
    expect(csvEscape("line1\nline2")).toBe('"line1\nline2"');
    expect(csvEscape("cr\rhere")).toBe('"cr\rhere"');
    expect(csvEscape(" padded")).toBe('" padded"');
    expect(csvEscape("padded ")).toBe('"padded "');
  });
});

describe("toCsv", () => {
  it("writes a header and rows with CRLF line ends", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["1", "x,y"],
          ["2", null],
        ],
      ),
    ).toBe('a,b\r\n1,"x,y"\r\n2,\r\n');
  });

  it("round-trips through parseCsv, however awkward the text", () => {
    const rows = [
      ["Control", "Title", "Note"],
      ["AGC-1", 'Backups "of" models, data', "multi\r\nline"],
      ["AGC-2", "", " lead"],
      ["AGC-3", "Unicode → ✓ ä", '""'],
    ];
    const text = toCsv(rows[0]!, rows.slice(1));
    expect(parseCsv(text)).toEqual(rows);
  });

  it("parses a final line without a line end", () => {
    expect(parseCsv("a,b\r\n1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });
});
