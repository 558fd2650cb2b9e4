/** "Print": the browser's print dialog; the print stylesheet (styles.css, @media print) lays the page out. */
import { h } from "./dom";

export function printButton(what: string): HTMLElement {
  return h(
    "button",
    {
      type: "button",
      class: "button button-secondary no-print",
      "data-testid": "print",
      title: `Print ${what} (or save it as PDF): no navigation, every table in full`,
      onclick: () => window.print(),
    },
    "Print",
  );
}
