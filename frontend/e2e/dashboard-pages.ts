/** Every page of the dashboard with the demo's data, and what shows it has settled. */
export interface DashboardPage {
  name: string;
  hash: string;
  /** A selector present once the page's data has arrived. */
  ready: string;
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
  { name: "missing", hash: "#/missing", ready: '[data-testid="worklist"][data-loaded]' },
  { name: "period", hash: "#/period", ready: '[data-testid="timelines"][data-loaded]' },
  { name: "crosswalk", hash: "#/crosswalk", ready: '[data-testid="crosswalk"][data-loaded]' },
  { name: "impact", hash: "#/impact?asset=inf-gpu-cluster", ready: '[data-testid="impact"][data-loaded]' },
  {
    name: "engagement",
    hash: "#/engagement/soc2-type2-model-serving",
    ready: '[data-testid="engagement"][data-loaded]',
  },
];
