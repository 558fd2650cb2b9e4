/** The demo engagement's audit as the API answers it, and its page loaded, for the audit e2e tests. */
import type { Page } from "playwright-core";
import { api, settled, visit } from "./support";

export const DEMO = "soc2-type2-model-serving";

export interface Sample {
  id: string;
  control: string;
  seed: string;
  size: number;
  populationSize: number;
  redrawOf: string | null;
  items: { key: string; collectedAt: string; evidence: { id: string; uri: string } | null }[];
}

export interface Exception {
  id: string;
  control: string;
  evidence: string | null;
  severity: string;
  description: string;
  current: { owner: string; status: string; due: string } | null;
}

export async function samples(): Promise<Sample[]> {
  const data = await api<{ engagement: { samples: Sample[] } }>(
    `query($id: ID!) { engagement(id: $id) { samples { id control seed size populationSize redrawOf
      items { key collectedAt evidence { id uri } } } } }`,
    { id: DEMO },
  );
  return data.engagement.samples;
}

export async function population(control: string): Promise<number> {
  const data = await api<{ engagementPopulation: { totalCount: number } }>(
    "query($e: ID!, $c: ID!) { engagementPopulation(engagement: $e, control: $c, first: 0) { totalCount } }",
    { e: DEMO, c: control },
  );
  return data.engagementPopulation.totalCount;
}

export interface Filters {
  open?: boolean;
  overdue?: boolean;
  owner?: string;
  severity?: string;
}

export async function exceptions(filters: Filters = {}): Promise<Exception[]> {
  const data = await api<{ auditExceptions: { edges: { node: Exception }[] } }>(
    `query($e: ID!, $o: Boolean, $d: Boolean, $w: String, $s: ExceptionSeverity) {
      auditExceptions(engagement: $e, open: $o, overdue: $d, owner: $w, severity: $s, first: 500) {
        edges { node { id control evidence severity description current { owner status due } } } } }`,
    { e: DEMO, o: filters.open, d: filters.overdue, w: filters.owner, s: filters.severity },
  );
  return data.auditExceptions.edges.map((e) => e.node);
}

/** The engagement page, loaded with its samples table and exception list. */
export async function openEngagement(page: Page, query = ""): Promise<void> {
  await visit(page, `#/engagement/${DEMO}${query}`);
  await page.waitForSelector('[data-testid="engagement"][data-loaded]');
  await page.waitForSelector('[data-testid="sample-table"][data-loaded]', { state: "attached" }); // folded by default
  await page.waitForSelector('[data-testid="exception-list"][data-loaded]');
  await settled(page);
}
