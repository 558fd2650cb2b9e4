/** Every GraphQL document the dashboard sends, each wrapped in a typed function. */
import { fetchAll, gql, type Connection, type RequestOptions } from "./client";
import type {
  AssetSummary,
  BlastRadius,
  ControlPeriod,
  CoverageReport,
  CriterionDetail,
  CrosswalkRow,
  EvidenceState,
  Framework,
  ImpactReport,
  MissingEvidenceReport,
  MissingEvidenceRow,
  StatusCounts,
} from "./types";

const PAGE_INFO = "totalCount pageInfo { hasNextPage endCursor }";

export async function listFrameworks(options?: RequestOptions): Promise<Framework[]> {
  const { nodes } = await fetchAll<Framework>(async (first, after) => {
    const data = await gql<{ frameworks: Connection<Framework> }>(
      "list the frameworks",
      `query Frameworks($first: Int, $after: String) {
        frameworks(first: $first, after: $after) { ${PAGE_INFO} edges { node { id name version publisher } } }
      }`,
      { first, after },
      options,
    );
    return data.frameworks;
  });
  return nodes;
}

const COVERAGE_FIELDS = `
  frameworkId asOf
  totals { total covered partial uncovered }
  byCategory { category total covered partial uncovered }`;

export async function fetchCoverage(framework: string, asOf: string | null, options?: RequestOptions): Promise<CoverageReport> {
  const data = await gql<{ coverage: CoverageReport }>(
    `load coverage for ${framework}`,
    `query Coverage($framework: ID!, $asOf: DateTime) {
      coverage(framework: $framework, asOf: $asOf) {
        ${COVERAGE_FIELDS}
        criteria: criteriaRows(leavesOnly: true)
      }
    }`,
    { framework, asOf },
    options,
  );
  return data.coverage;
}

/** Just the totals: cheap enough to re-ask after a change. */
export async function fetchCoverageTotals(framework: string, asOf: string | null, options?: RequestOptions): Promise<StatusCounts> {
  const data = await gql<{ coverage: { totals: StatusCounts } }>(
    `load coverage totals for ${framework}`,
    `query CoverageTotals($framework: ID!, $asOf: DateTime) {
      coverage(framework: $framework, asOf: $asOf) { totals { total covered partial uncovered } }
    }`,
    { framework, asOf },
    options,
  );
  return data.coverage.totals;
}

const NESTED_PAGE = 25;

export async function fetchCriterionPage(
  id: string,
  framework: string,
  asOf: string | null,
  options?: RequestOptions,
): Promise<{ criterion: CriterionDetail | null; coverage: CoverageReport }> {
  // Two documents, each well inside the service's cost budget. The coverage report has no
  // per-criterion lookup: ask for the framework's rows and pick ours.
  const [detail, coverage] = await Promise.all([
    gql<{ criterion: CriterionDetail | null }>(
      `load criterion ${id}`,
      `query Criterion($id: ID!, $first: Int) {
        criterion(id: $id) {
          id ref title category description
          framework { id name }
          parent { id ref title }
          children { id ref title }
          controls {
            id title owner status frequency kind automated
            assets(first: $first) { ${PAGE_INFO} edges { node { ${CONTROL_ASSET} } } }
            evidence(first: $first) { ${PAGE_INFO} edges { node { ${CONTROL_EVIDENCE} } } }
          }
          mappings { otherId relationship strength rationale other { id ref title framework { id name } } }
        }
      }`,
      { id, first: NESTED_PAGE },
      options,
    ),
    gql<{ coverage: CoverageReport }>(
      `load criterion ${id}`,
      `query CriterionCoverage($framework: ID!, $asOf: DateTime) {
        coverage(framework: $framework, asOf: $asOf) {
          frameworkId asOf totals { total covered partial uncovered } byCategory { category total covered partial uncovered }
          criteria { criterionId ref title category parentId isLeaf status derived reason
            controls { controlId title status effective reason }
            via { criterionId relationship neighbourStatus candidate criterion { ref title framework { id name } } } }
        }
      }`,
      { framework, asOf },
      options,
    ),
  ]);
  // Controls with more assets or evidence than the first page: follow their cursors.
  await Promise.all(
    (detail.criterion?.controls ?? []).map(async (control) => {
      control.assets = await rest(control.assets, (first, after) => controlPage(control.id, "assets", CONTROL_ASSET, first, after, options));
      control.evidence = await rest(control.evidence, (first, after) => controlPage(control.id, "evidence", CONTROL_EVIDENCE, first, after, options));
    }),
  );
  return { criterion: detail.criterion, coverage: coverage.coverage };
}

const CONTROL_ASSET = "id name kind changedAt";
const CONTROL_EVIDENCE = "id title kind collectedAt validUntil status uri covers { id }";

async function controlPage<N>(id: string, field: "assets" | "evidence", fields: string, first: number, after: string | null, options?: RequestOptions): Promise<Connection<N>> {
  const data = await gql<{ control: Record<string, Connection<N>> | null }>(
    `load the ${field} of control ${id}`,
    `query ControlPage($id: ID!, $first: Int, $after: String) { control(id: $id) { ${field}(first: $first, after: $after) { ${PAGE_INFO} edges { node { ${fields} } } } } }`,
    { id, first, after },
    options,
  );
  return data.control?.[field] ?? { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] };
}

/** A connection completed: the first page's edges plus every later page's. */
async function rest<N>(firstPage: Connection<N>, page: (first: number, after: string | null) => Promise<Connection<N>>, limit = 2_000): Promise<Connection<N>> {
  const edges = [...firstPage.edges];
  let info = firstPage.pageInfo;
  while (info.hasNextPage && info.endCursor && edges.length < limit) {
    const next = await page(200, info.endCursor);
    edges.push(...next.edges);
    info = next.pageInfo;
    if (next.edges.length === 0) break;
  }
  return { totalCount: firstPage.totalCount, pageInfo: info, edges };
}

export async function listAssets(kind: string | null, options?: RequestOptions): Promise<{ nodes: AssetSummary[]; totalCount: number }> {
  return fetchAll<AssetSummary>(async (first, after) => {
    const data = await gql<{ assets: Connection<AssetSummary> }>(
      "list the assets",
      `query Assets($first: Int, $after: String, $kind: AssetKind) {
        assets(first: $first, after: $after, kind: $kind) {
          ${PAGE_INFO} edges { node { id name kind owner environment criticality } }
        }
      }`,
      { first, after, kind },
      options,
    );
    return data.assets;
  });
}

export async function fetchBlastRadius(asset: string, maxDepth: number | null, options?: RequestOptions): Promise<BlastRadius> {
  const data = await gql<{ blastRadius: BlastRadius }>(
    `load the blast radius of ${asset}`,
    `query Blast($asset: ID!, $maxDepth: Int) {
      blastRadius(asset: $asset, maxDepth: $maxDepth) {
        assetId
        asset { id name kind }
        assets(first: 500) { ${PAGE_INFO} edges { node { assetId distance asset { name kind dependsOn { id } } } } }
        controls { id title owner status }
        criteria { id ref title framework { id name } }
        frameworks { id name }
        vendors { id name service riskTier }
        evidence(first: 300) { ${PAGE_INFO} edges { node { id title status collectedAt validUntil control { id frequency } } } }
      }
    }`,
    { asset, maxDepth },
    options,
  );
  return data.blastRadius;
}

export async function fetchMissingEvidence(
  framework: string | null,
  asOf: string | null,
  reason: EvidenceState | null,
  options?: RequestOptions,
): Promise<{ report: MissingEvidenceReport; rows: MissingEvidenceRow[] }> {
  let report: MissingEvidenceReport | null = null;
  const { nodes } = await fetchAll<MissingEvidenceRow>(async (first, after) => {
    const data = await gql<{ missingEvidence: MissingEvidenceReport & { rows: Connection<MissingEvidenceRow> } }>(
      "load the missing-evidence worklist",
      `query Missing($framework: ID, $asOf: DateTime, $reason: EvidenceState, $first: Int, $after: String) {
        missingEvidence(framework: $framework, asOf: $asOf) {
          frameworkId asOf totalCount byReason { reason count }
          rows(first: $first, after: $after, reason: $reason) {
            ${PAGE_INFO}
            edges { node { controlId control { title owner } assetId asset { name } reason since } }
          }
        }
      }`,
      { framework, asOf, reason, first, after },
      options,
    );
    const { rows, ...rest } = data.missingEvidence;
    report = rest;
    return rows;
  }, 500);
  return { report: report!, rows: nodes };
}

export interface GapsPage {
  totalGaps: number;
  start: string;
  end: string;
  controls: Connection<ControlPeriod>;
}

export async function fetchEvidenceGaps(
  framework: string | null,
  start: string,
  end: string,
  first: number,
  after: string | null,
  withGapsOnly: boolean,
  options?: RequestOptions,
): Promise<GapsPage> {
  const data = await gql<{ evidenceGaps: GapsPage }>(
    "load the evidence gaps for the period",
    `query Gaps($framework: ID, $start: DateTime!, $end: DateTime!, $first: Int, $after: String, $withGapsOnly: Boolean!) {
      evidenceGaps(framework: $framework, start: $start, end: $end) {
        totalGaps start end
        controls(first: $first, after: $after, withGapsOnly: $withGapsOnly) {
          ${PAGE_INFO}
          edges { node { controlId control { title } frequency gaps intervals { start end evidenceCount isGap } } }
        }
      }
    }`,
    { framework, start, end, first, after, withGapsOnly },
    options,
  );
  return data.evidenceGaps;
}

export async function fetchCrosswalk(source: string, target: string, options?: RequestOptions): Promise<{ rows: CrosswalkRow[]; totalCount: number }> {
  const { nodes, totalCount } = await fetchAll<CrosswalkRow>(async (first, after) => {
    const data = await gql<{ crosswalk: { rows: Connection<CrosswalkRow> } }>(
      `load the crosswalk ${source} → ${target}`,
      `query Crosswalk($source: ID!, $target: ID!, $first: Int, $after: String) {
        crosswalk(source: $source, target: $target) {
          rows(first: $first, after: $after) {
            ${PAGE_INFO}
            edges { node { sourceId targetId relationship strength rationale inverted source { ref title } target { ref title } } }
          }
        }
      }`,
      { source, target, first, after },
      options,
    );
    return data.crosswalk.rows;
  }, 500);
  return { rows: nodes, totalCount };
}

const IMPACT_FIELDS = `
  assetId at propagate recorded assetIds
  assets { id name kind }
  staleEvidence { evidenceId controlId assetId evidence { title } }
  frameworks {
    frameworkId
    before { total covered partial uncovered }
    after { total covered partial uncovered }
    changes { criterionId before after criterion { ref title } }
  }`;

export interface ChangeInput {
  asset: string;
  at: string;
  propagate: boolean;
}

export async function fetchImpact(change: ChangeInput, options?: RequestOptions): Promise<ImpactReport> {
  const data = await gql<{ impact: ImpactReport }>(
    `preview the impact of changing ${change.asset}`,
    `query Impact($change: ChangeInput!) { impact(change: $change) { ${IMPACT_FIELDS} } }`,
    { change },
    options,
  );
  return data.impact;
}

export async function recordChange(change: ChangeInput, options?: RequestOptions): Promise<ImpactReport> {
  const data = await gql<{ recordChange: ImpactReport }>(
    `record the change of ${change.asset}`,
    `mutation RecordChange($change: ChangeInput!) { recordChange(change: $change) { ${IMPACT_FIELDS} } }`,
    { change },
    options,
  );
  return data.recordChange;
}

/** How many mappings `source` has to each of `targets`, in one request (aliases). */
export async function fetchCrosswalkCounts(source: string, targets: readonly string[], options?: RequestOptions): Promise<Map<string, number>> {
  const list = targets.filter((t) => t !== source).slice(0, 25); // the API allows 30 aliases
  if (list.length === 0) return new Map();
  const vars = list.map((_, i) => `$t${i}: ID!`).join(", ");
  const fields = list.map((_, i) => `t${i}: crosswalk(source: $source, target: $t${i}) { rows(first: 0) { totalCount } }`).join("\n");
  const variables: Record<string, string> = { source };
  list.forEach((t, i) => (variables[`t${i}`] = t));
  const data = await gql<Record<string, { rows: { totalCount: number } }>>(
    `count the crosswalk mappings of ${source}`,
    `query CrosswalkCounts($source: ID!, ${vars}) { ${fields} }`,
    variables,
    options,
  );
  return new Map(list.map((t, i) => [t, data[`t${i}`]?.rows.totalCount ?? 0]));
}

export interface Me {
  actor: string;
  roles: string[];
}

/** Who the service takes us for (any role may ask). */
export async function fetchMe(options?: RequestOptions): Promise<Me> {
  const data = await gql<{ me: Me }>("check the API key", "query Me { me { actor roles } }", {}, options);
  return data.me;
}
