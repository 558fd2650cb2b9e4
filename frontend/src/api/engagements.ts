/**
 * The documents of the engagement pages and the asset's change history, each wrapped in a typed
 * function (typed like ./queries.ts: graphql-codegen reads these literals too).
 */
import { fetchAll, gql, type RequestOptions } from "./client";
import type * as G from "./generated";
import { GAP_GROUP, GAP_SUMMARY, OPERATING_EVIDENCE } from "./queries";
import type {
  AssetFindings,
  AssetHistory,
  EngagementDetail,
  EngagementGaps,
  EngagementSummary,
  MissingEvidenceRow,
} from "./types";

export async function listEngagements(options?: RequestOptions): Promise<EngagementSummary[]> {
  const { nodes } = await fetchAll<EngagementSummary>(async (first, after) => {
    const data = await gql<G.EngagementsQuery>(
      "list the engagements",
      /* GraphQL */ `query Engagements($first: Int, $after: String) {
        engagements(first: $first, after: $after) {
          totalCount pageInfo { hasNextPage endCursor }
          edges { node { id name framework kind asOf periodStart periodEnd } }
        }
      }`,
      { first, after },
      options,
    );
    return data.engagements;
  });
  return nodes;
}

const ENGAGEMENT_SCOPE = /* GraphQL */ `
  fragment EngagementScope on Engagement {
    id name framework kind asOf periodStart periodEnd referenceInstant categoriesInScope boundary
  }`;

/** The engagement page: scope, readiness, the missing-evidence summary and the gaps in brief. */
const ENGAGEMENT = /* GraphQL */ `query Engagement($id: ID!) {
    engagement(id: $id) {
      ...EngagementScope
      coverage {
        totals { total covered partial uncovered }
        byCategory { category total covered partial uncovered }
        criteria { criterionId ref title category status carvedOut gapCount openExceptions openExceptionIds }
      }
      missingEvidence { frameworkId asOf totalCount byReason { reason count } }
      gaps {
        start end totalGaps
        controls(first: 100, withGapsOnly: true) {
          totalCount edges { node { controlId control { title } frequency gaps intervals { isGap } } }
        }
        inScope: controls(first: 500) { totalCount edges { node { controlId control { title } frequency } } }
      }
    }
  }`;

/** The engagement's missing-evidence rows: the worklist's row, scoped. */
const ENGAGEMENT_MISSING = /* GraphQL */ `query EngagementMissing($id: ID!, $first: Int, $after: String) {
    engagement(id: $id) {
      missingEvidence {
        rows(first: $first, after: $after) {
          totalCount pageInfo { hasNextPage endCursor }
          edges { node { controlId control { title owner } assetId asset { name } vendorId vendor { name reportKind reportValidUntil } reason since findingId findingAgeDays } }
        }
      }
    }
  }`;

const NO_ROWS = { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] };

/** The engagement with every scoped missing-evidence row; null when there is no such engagement. */
export async function fetchEngagement(
  id: string,
  options?: RequestOptions,
): Promise<{ engagement: EngagementDetail; missing: MissingEvidenceRow[] } | null> {
  const [detail, rows] = await Promise.all([
    gql<G.EngagementQuery>(`load engagement ${id}`, ENGAGEMENT + ENGAGEMENT_SCOPE, { id }, options),
    fetchAll<MissingEvidenceRow>(async (first, after) => {
      const data = await gql<G.EngagementMissingQuery>(
        `load the missing evidence of engagement ${id}`,
        ENGAGEMENT_MISSING,
        { id, first, after },
        options,
      );
      return data.engagement?.missingEvidence.rows ?? NO_ROWS;
    }, 500),
  ]);
  return detail.engagement ? { engagement: detail.engagement, missing: rows.nodes } : null;
}

const ENGAGEMENT_GAPS = /* GraphQL */ `query EngagementGaps($id: ID!, $withGapsOnly: Boolean!) {
    engagement(id: $id) { ...EngagementScope gaps { ...GapSummary } }
  }`;

const ENGAGEMENT_GAP_GROUP = /* GraphQL */ `query EngagementGapGroup($id: ID!, $controlIds: [ID!]!, $first: Int!) {
    engagement(id: $id) { gaps { ...GapGroup } }
  }`;

/** An engagement's scope and its scoped period gaps in brief (the Type II page); null when there is no such engagement. */
export async function fetchEngagementGaps(
  id: string,
  withGapsOnly: boolean,
  options?: RequestOptions,
): Promise<EngagementGaps | null> {
  const data = await gql<G.EngagementGapsQuery>(
    `load the gaps of engagement ${id}`,
    ENGAGEMENT_GAPS + ENGAGEMENT_SCOPE + GAP_SUMMARY,
    { id, withGapsOnly },
    options,
  );
  return data.engagement;
}

/** The intervals of some of an engagement's in-scope controls (a domain, when opened). */
export async function fetchEngagementGapGroup(
  id: string,
  controlIds: readonly string[],
  options?: RequestOptions,
): Promise<G.GapGroupFragment | null> {
  const data = await gql<G.EngagementGapGroupQuery>(
    `load the intervals of engagement ${id}'s controls`,
    ENGAGEMENT_GAP_GROUP + GAP_GROUP + OPERATING_EVIDENCE,
    { id, controlIds, first: controlIds.length },
    options,
  );
  return data.engagement?.gaps ?? null;
}

const ASSET_CHANGES = /* GraphQL */ `query AssetChanges($asset: ID!, $first: Int, $after: String) {
    asset(id: $asset) {
      id name changedAt
      changes(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id at kind note propagatedFrom recordedAt recordedBy } }
      }
    }
  }`;

/** One page of an asset's change history, newest first; null when there is no such asset. */
export async function fetchAssetChanges(
  asset: string,
  first: number,
  after: string | null,
  options?: RequestOptions,
): Promise<AssetHistory | null> {
  const data = await gql<G.AssetChangesQuery>(
    `load the change history of ${asset}`,
    ASSET_CHANGES,
    { asset, first, after },
    options,
  );
  return data.asset;
}

const ASSET_FINDINGS = /* GraphQL */ `query AssetFindings($asset: ID!, $first: Int, $after: String) {
    asset(id: $asset) {
      id
      name
      findings(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id severity plugin name port protocol cves cvss3 firstSeen lastSeen status fixedAt } }
      }
    }
  }`;

/** One page of an asset's scanner findings, in order of id; null when there is no such asset. */
export async function fetchAssetFindings(
  asset: string,
  first: number,
  after: string | null,
  options?: RequestOptions,
): Promise<AssetFindings | null> {
  const data = await gql<G.AssetFindingsQuery>(
    `load the findings of ${asset}`,
    ASSET_FINDINGS,
    { asset, first, after },
    options,
  );
  return data.asset;
}
