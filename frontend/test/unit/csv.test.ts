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

describe("formula injection", () => {
  it("prefixes a single quote to text a spreadsheet would run as a formula", () => {
    expect(csvEscape('=HYPERLINK("http://x.test","ok")')).toBe('"\'=HYPERLINK(""http://x.test"",""ok"")"');
    expect(csvEscape("=1+2")).toBe("'=1+2");
    expect(csvEscape("+1+2")).toBe("'+1+2");
    expect(csvEscape("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(csvEscape("@SUM(A1:A9)")).toBe("'@SUM(A1:A9)");
    expect(csvEscape("\t=1+2")).toBe("'\t=1+2");
    expect(csvEscape("\r=1+2")).toBe('"\'\r=1+2"');
  });

  it("leaves numbers, and formula characters inside text, alone", () => {
    expect(csvEscape(-3)).toBe("-3");
    expect(csvEscape("-3")).toBe("-3");
    expect(csvEscape("-1.5")).toBe("-1.5");
    expect(csvEscape("a=b+c-d@e")).toBe("a=b+c-d@e");
    expect(csvEscape("AGC-INF-05")).toBe("AGC-INF-05");
  });

  it("neutralises what toCsv writes, so the parsed cell starts with the quote", () => {
    expect(parseCsv(toCsv(["title"], [["=cmd()"]]))).toEqual([["title"], ["'=cmd()"]]);
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
