/**
 * Every GraphQL document the dashboard sends, each wrapped in a typed function.
 *
 * The documents are plain `/* GraphQL *\/` literals (shared parts are fragments appended to them),
 * so graphql-codegen reads them and types each result in ./generated.ts (`npm run codegen`).
 */
import { fetchAll, gql, type Connection, type RequestOptions } from "./client";
import type * as G from "./generated";
import type {
  AssetSummary,
  BlastRadius,
  ChangeInput,
  ControlAsset,
  ControlEvidence,
  CoverageReport,
  CriterionCoverageReport,
  CriterionDetail,
  CrosswalkRow,
  EvidenceState,
  Framework,
  ImpactReport,
  MissingEvidenceReport,
  MissingEvidenceRow,
  StatusCounts,
} from "./types";

export type { ChangeInput } from "./types";

export async function listFrameworks(options?: RequestOptions): Promise<Framework[]> {
  const { nodes } = await fetchAll<Framework>(async (first, after) => {
    const data = await gql<G.FrameworksQuery>(
      "list the frameworks",
      /* GraphQL */ `query Frameworks($first: Int, $after: String) {
        frameworks(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name version publisher } } }
      }`,
      { first, after },
      options,
    );
    return data.frameworks;
  });
  return nodes;
}

export async function fetchCoverage(
  framework: string,
  asOf: string | null,
  options?: RequestOptions,
): Promise<CoverageReport> {
  const data = await gql<G.CoverageQuery>(
    `load coverage for ${framework}`,
    /* GraphQL */ `query Coverage($framework: ID!, $asOf: DateTime) {
      coverage(framework: $framework, asOf: $asOf) {
        frameworkId asOf
        totals { total covered partial uncovered }
        byCategory { category total covered partial uncovered }
        criteria: criteriaRows(assessableOnly: true)
      }
    }`,
    { framework, asOf },
    options,
  );
  // `criteria` is the JSON scalar `criteriaRows`: its rows have the shape CoverageRow names.
  return { ...data.coverage, criteria: data.coverage.criteria as CoverageReport["criteria"] };
}

/** Just the totals: cheap enough to re-ask after a change. */
export async function fetchCoverageTotals(
  framework: string,
  asOf: string | null,
  options?: RequestOptions,
): Promise<StatusCounts> {
  const data = await gql<G.CoverageTotalsQuery>(
    `load coverage totals for ${framework}`,
    /* GraphQL */ `query CoverageTotals($framework: ID!, $asOf: DateTime) {
      coverage(framework: $framework, asOf: $asOf) { totals { total covered partial uncovered } }
    }`,
    { framework, asOf },
    options,
  );
  return data.coverage.totals;
}

const NESTED_PAGE = 25;

const CRITERION = /* GraphQL */ `query Criterion($id: ID!, $first: Int) {
    criterion(id: $id) {
      id ref title category description
      framework { id name }
      parent { id ref title }
      children { id ref title }
      controls {
        id title owner status frequency kind automated
        vendors { id name reportKind reportValidUntil }
        assets(first: $first) { totalCount pageInfo { hasNextPage endCursor } edges { node { ...ControlAsset } } }
        evidence(first: $first) { totalCount pageInfo { hasNextPage endCursor } edges { node { ...ControlEvidence } } }
      }
      mappings { otherId relationship strength rationale other { id ref title framework { id name } } }
    }
  }`;

export async function fetchCriterionPage(
  id: string,
  framework: string,
  asOf: string | null,
  options?: RequestOptions,
): Promise<{ criterion: CriterionDetail | null; coverage: CriterionCoverageReport }> {
  // Two documents, each well inside the service's cost budget. The coverage report has no
  // per-criterion lookup: ask for the framework's rows and pick ours.
  const [detail, coverage] = await Promise.all([
    gql<G.CriterionQuery>(
      `load criterion ${id}`,
      CRITERION + CONTROL_ASSET + CONTROL_EVIDENCE,
      { id, first: NESTED_PAGE },
      options,
    ),
    gql<G.CriterionCoverageQuery>(
      `load criterion ${id}`,
      /* GraphQL */ `query CriterionCoverage($framework: ID!, $asOf: DateTime) {
        coverage(framework: $framework, asOf: $asOf) {
          frameworkId asOf totals { total covered partial uncovered } byCategory { category total covered partial uncovered }
          criteria { criterionId ref title category parentId isLeaf assessable status carvedOut derived reason
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
      control.assets = await rest(control.assets, (first, after) => controlAssets(control.id, first, after, options));
      control.evidence = await rest(control.evidence, (first, after) =>
        controlEvidence(control.id, first, after, options),
      );
    }),
  );
  return { criterion: detail.criterion, coverage: coverage.coverage };
}

const CONTROL_ASSET = /* GraphQL */ `
  fragment ControlAsset on Asset { id name kind changedAt }`;
const CONTROL_EVIDENCE = /* GraphQL */ `
  fragment ControlEvidence on Evidence { id title kind collectedAt validUntil periodStart periodEnd status uri covers { id } }`;
const NO_PAGE = { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] };

const CONTROL_ASSETS = /* GraphQL */ `query ControlAssets($id: ID!, $first: Int, $after: String) {
    control(id: $id) { assets(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ...ControlAsset } } } }
  }`;

async function controlAssets(
  id: string,
  first: number,
  after: string | null,
  options?: RequestOptions,
): Promise<Connection<ControlAsset>> {
  const data = await gql<G.ControlAssetsQuery>(
    `load the assets of control ${id}`,
    CONTROL_ASSETS + CONTROL_ASSET,
    { id, first, after },
    options,
  );
  return data.control?.assets ?? NO_PAGE;
}

const CONTROL_EVIDENCE_PAGE = /* GraphQL */ `query ControlEvidence($id: ID!, $first: Int, $after: String) {
    control(id: $id) { evidence(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ...ControlEvidence } } } }
  }`;

async function controlEvidence(
  id: string,
  first: number,
  after: string | null,
  options?: RequestOptions,
): Promise<Connection<ControlEvidence>> {
  const data = await gql<G.ControlEvidenceQuery>(
    `load the evidence of control ${id}`,
    CONTROL_EVIDENCE_PAGE + CONTROL_EVIDENCE,
    { id, first, after },
    options,
  );
  return data.control?.evidence ?? NO_PAGE;
}

/** A connection completed: the first page's edges plus every later page's. */
async function rest<N>(
  firstPage: Connection<N>,
  page: (first: number, after: string | null) => Promise<Connection<N>>,
  limit = 2_000,
): Promise<Connection<N>> {
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

export async function listAssets(
  kind: G.AssetKind | null,
  options?: RequestOptions,
): Promise<{ nodes: AssetSummary[]; totalCount: number }> {
  return fetchAll<AssetSummary>(async (first, after) => {
    const data = await gql<G.AssetsQuery>(
      "list the assets",
      /* GraphQL */ `query Assets($first: Int, $after: String, $kind: AssetKind) {
        assets(first: $first, after: $after, kind: $kind) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { id name kind owner environment criticality } }
        }
      }`,
      { first, after, kind },
      options,
    );
    return data.assets;
  });
}

export async function fetchBlastRadius(
  asset: string,
  maxDepth: number | null,
  options?: RequestOptions,
): Promise<BlastRadius> {
  const data = await gql<G.BlastQuery>(
    `load the blast radius of ${asset}`,
    /* GraphQL */ `query Blast($asset: ID!, $maxDepth: Int) {
      blastRadius(asset: $asset, maxDepth: $maxDepth) {
        assetId
        asset { id name kind }
        assets(first: 300) { totalCount pageInfo { hasNextPage endCursor } edges { node { assetId distance asset { name kind dependsOn { id } controls { id } vendors { id } } } } }
        controls { id title owner status }
        criteria { id ref title framework { id name } }
        frameworks { id name }
        vendors { id name service riskTier }
        evidence(first: 300) { totalCount pageInfo { hasNextPage endCursor } edges { node { id title status collectedAt validUntil control { id frequency } } } }
        findingCounts { severity count }
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
    const data = await gql<G.MissingQuery>(
      "load the missing-evidence worklist",
      /* GraphQL */ `query Missing($framework: ID, $asOf: DateTime, $reason: EvidenceState, $first: Int, $after: String) {
        missingEvidence(framework: $framework, asOf: $asOf) {
          frameworkId asOf totalCount byReason { reason count }
          rows(first: $first, after: $after, reason: $reason) {
            totalCount pageInfo { hasNextPage endCursor }
            edges { node { controlId control { title owner } assetId asset { name } vendorId vendor { name reportKind reportValidUntil } reason since findingId findingAgeDays } }
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

/** Enough of a control's evidence to say what operated each interval (collected in it, or observing
 * it). The first page only: an interval the API counts but these items do not explain is shown by
 * its count. */
export const OPERATING_EVIDENCE = /* GraphQL */ `
  fragment OperatingEvidence on Control {
    evidence(first: 100) { totalCount edges { node { id collectedAt periodStart periodEnd status supersededBy { id } } } }
  }`;

/** Every control of a period in brief (its domain and counts, no intervals): the Type II page's groups. */
export const GAP_SUMMARY = /* GraphQL */ `
  fragment GapSummary on EvidenceGapsReport {
    totalGaps start end
    controls(first: 500, withGapsOnly: $withGapsOnly) {
      totalCount edges { node { controlId frequency gaps intervalCount control { title domain } } }
    }
  }`;

/** One group of controls with their intervals and what operated them (a domain, when opened). The
 * service prices a page by its size times the evidence asked of each control: ask GAP_GROUP_SIZE at most. */
export const GAP_GROUP = /* GraphQL */ `
  fragment GapGroup on EvidenceGapsReport {
    controls(first: $first, controlIds: $controlIds) {
      edges { node { controlId frequency gaps control { title ...OperatingEvidence } intervals { start end evidenceCount isGap } } }
    }
  }`;

export type GapsSummary = G.GapSummaryFragment;

/** Controls asked at once with their intervals and evidence (20 fit the service's cost budget). */
export const GAP_GROUP_SIZE = 20;

const GAPS = /* GraphQL */ `query Gaps($framework: ID, $start: DateTime!, $end: DateTime!, $withGapsOnly: Boolean!) {
    evidenceGaps(framework: $framework, start: $start, end: $end) { ...GapSummary }
  }`;

const GAPS_GROUP = /* GraphQL */ `query GapsGroup($framework: ID, $start: DateTime!, $end: DateTime!, $controlIds: [ID!]!, $first: Int!) {
    evidenceGaps(framework: $framework, start: $start, end: $end) { ...GapGroup }
  }`;

export async function fetchEvidenceGaps(
  framework: string | null,
  start: string,
  end: string,
  withGapsOnly: boolean,
  options?: RequestOptions,
): Promise<GapsSummary> {
  const data = await gql<G.GapsQuery>(
    "load the evidence gaps for the period",
    GAPS + GAP_SUMMARY,
    { framework, start, end, withGapsOnly },
    options,
  );
  return data.evidenceGaps;
}

export async function fetchEvidenceGapGroup(
  framework: string | null,
  start: string,
  end: string,
  controlIds: readonly string[],
  options?: RequestOptions,
): Promise<G.GapGroupFragment> {
  const data = await gql<G.GapsGroupQuery>(
    "load the intervals of the controls",
    GAPS_GROUP + GAP_GROUP + OPERATING_EVIDENCE,
    { framework, start, end, controlIds, first: controlIds.length },
    options,
  );
  return data.evidenceGaps;
}

export async function fetchCrosswalk(
  source: string,
  target: string,
  options?: RequestOptions,
): Promise<{ rows: CrosswalkRow[]; totalCount: number }> {
  const { nodes, totalCount } = await fetchAll<CrosswalkRow>(async (first, after) => {
    const data = await gql<G.CrosswalkQuery>(
      `load the crosswalk ${source} → ${target}`,
      /* GraphQL */ `query Crosswalk($source: ID!, $target: ID!, $first: Int, $after: String) {
        crosswalk(source: $source, target: $target) {
          rows(first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor }
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

const IMPACT_FIELDS = /* GraphQL */ `
  fragment ImpactFields on ImpactReport {
    assetId at propagate recorded assetIds
    assets { id name kind }
    staleEvidence { evidenceId controlId assetId evidence { title } }
    frameworks {
      frameworkId
      before { total covered partial uncovered }
      after { total covered partial uncovered }
      changes { criterionId before after criterion { ref title } }
    }
  }`;

const IMPACT = /* GraphQL */ `query Impact($change: ChangeInput!) { impact(change: $change) { ...ImpactFields } }`;
const RECORD_CHANGE = /* GraphQL */ `mutation RecordChange($change: ChangeInput!) { recordChange(change: $change) { ...ImpactFields } }`;

export async function fetchImpact(change: ChangeInput, options?: RequestOptions): Promise<ImpactReport> {
  const data = await gql<G.ImpactQuery>(
    `preview the impact of changing ${change.asset}`,
    IMPACT + IMPACT_FIELDS,
    { change },
    options,
  );
  return data.impact;
}

export async function recordChange(change: ChangeInput, options?: RequestOptions): Promise<ImpactReport> {
  const data = await gql<G.RecordChangeMutation>(
    `record the change of ${change.asset}`,
    RECORD_CHANGE + IMPACT_FIELDS,
    { change },
    options,
  );
  return data.recordChange;
}

/**
 * How many mappings `source` has to each of `targets`, in one request (aliases). The document is
 * built at run time (one alias per target), so codegen cannot type it: its shape is written here.
 */
export async function fetchCrosswalkCounts(
  source: string,
  targets: readonly string[],
  options?: RequestOptions,
): Promise<Map<string, number>> {
  const list = targets.filter((t) => t !== source).slice(0, 25); // the API allows 30 aliases
  if (list.length === 0) return new Map();
  const vars = list.map((_, i) => `$t${i}: ID!`).join(", ");
  const fields = list
    .map((_, i) => `t${i}: crosswalk(source: $source, target: $t${i}) { rows(first: 0) { totalCount } }`)
    .join("\n");
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

export type Me = G.MeQuery["me"];

/** Who the service takes us for (any role may ask). */
export async function fetchMe(options?: RequestOptions): Promise<Me> {
  const data = await gql<G.MeQuery>("check the API key", /* GraphQL */ `query Me { me { actor roles } }`, {}, options);
  return data.me;
}
