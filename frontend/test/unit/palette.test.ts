import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** The colours of styles.css that axe cannot judge by itself (a focus ring exists only while focused). */
const css = readFileSync(new URL("../../src/styles.css", import.meta.url), "utf8");

function variable(name: string): string {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(css);
  if (!match) throw new Error(`--${name} is not a six-digit colour in styles.css`);
  return match[1]!;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const linear = (c: number): number => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const TOP_BAR = /\.topbar\s*\{[^}]*background:\s*(#[0-9a-fA-F]{6})/.exec(css)![1]!;

describe("the palette", () => {
  it("draws the focus ring at 3:1 or more on the page, a card and the top bar", () => {
    for (const ground of [variable("bg"), variable("card"), TOP_BAR])
      expect(contrast(variable("focus"), ground), `focus on ${ground}`).toBeGreaterThanOrEqual(3);
  });

  it("writes each status badge at 4.5:1 or more on its own background", () => {
    for (const status of ["covered", "partial", "uncovered", "carved"])
      expect(contrast(variable(status), variable(`${status}-bg`)), status).toBeGreaterThanOrEqual(4.5);
  });
});
