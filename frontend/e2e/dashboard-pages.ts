/**
 * Every page of the dashboard with the demo's data, and what shows it has settled: the one list the
 * page walk, axe and the layout-shift check all go through (a new page is added here, once).
 */
export interface DashboardPage {
  name: string;
  hash: string;
  /** A selector present once the page's data has arrived. */
  ready: string;
  /** Folded by default, it stays within ~3 screens at 1280 × 900 (the page walk checks). */
  short?: true;
}

export const DASHBOARD_PAGES: readonly DashboardPage[] = [
  { name: "overview", hash: "#/overview", ready: "section[data-framework][data-loaded]" },
  {
    name: "criterion",
    hash: `#/criterion/${encodeURIComponent("soc2-tsc-2017:CC6.1")}`,
    ready: ".criterion-body[data-loaded]",
  },
  { name: "assets", hash: "#/assets", ready: '[data-testid="asset-results"] li' },
  {
    name: "blast radius",
    hash: "#/assets?asset=inf-gpu-cluster",
    ready: '[data-testid="blast-graph"][data-ready="true"]',
  },
  {
    name: "asset findings",
    hash: "#/assets?asset=inf-training-cluster",
    ready: '[data-testid="findings"][data-loaded]',
  },
  { name: "missing", hash: "#/missing", ready: '[data-testid="worklist"][data-loaded]' },
  { name: "period", hash: "#/period", ready: '[data-testid="timelines"][data-loaded]', short: true },
  { name: "crosswalk", hash: "#/crosswalk", ready: '[data-testid="crosswalk"][data-loaded]' },
  { name: "impact", hash: "#/impact?asset=inf-gpu-cluster", ready: '[data-testid="impact"][data-loaded]' },
  {
    name: "engagement",
    hash: "#/engagement/soc2-type2-model-serving",
    ready: '[data-testid="engagement"][data-loaded]',
    short: true,
  },
  { name: "control", hash: "#/control/AGC-CHG-02", ready: '[data-testid="control-gaps"][data-loaded]', short: true },
  { name: "vendor", hash: "#/vendor/ven-cumulus-cloud", ready: '[data-testid="lapse"][data-loaded]', short: true },
  {
    name: "evidence",
    hash: "#/evidence/EV-CHG-02-2026-06-10",
    ready: '[data-testid="evidence-page"][data-loaded]',
    short: true,
  },
  { name: "matrix", hash: "#/matrix?framework=soc2-tsc-2017", ready: '[data-testid="criteria-matrix"][data-loaded]' },
  { name: "owner", hash: "#/owner/AGC-GOV-01", ready: '[data-testid="owner-page"][data-loaded]' },
];
