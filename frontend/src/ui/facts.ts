/** A definition list of a node's facts (label → value), the summary card of the entity pages. */
import { h, type Child } from "./dom";

export function facts(label: string, items: readonly (readonly [string, Child] | null)[]): HTMLElement {
  return h(
    "dl",
    { class: "facts", "aria-label": label },
    items
      .filter((i): i is readonly [string, Child] => i !== null)
      .map(([k, v]) => [h("dt", null, k), h("dd", null, v)]),
  );
}

/** "1 item", "2 items": a count with its noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
