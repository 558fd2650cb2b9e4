/**
 * The documents of the control, vendor and evidence pages, each wrapped in a typed function
 * (typed like ./queries.ts: graphql-codegen reads these literals too).
 */
import { gql, type RequestOptions } from "./client";
import type * as G from "./generated";

export type ControlPage = NonNullable<G.ControlPageQuery["control"]>;
export type ControlPageEvidence = ControlPage["evidence"]["edges"][number]["node"];
export type ControlEngagement = G.ControlPageQuery["engagements"]["edges"][number]["node"];
export type ControlOpenException = G.ControlExceptionsQuery["auditExceptions"]["edges"][number]["node"];
export type ControlPeriodView = NonNullable<G.ControlPeriodQuery["controlPeriod"]>;
export type VendorPage = NonNullable<G.VendorPageQuery["vendor"]>;
export type VendorLapse = G.VendorLapseQuery["vendorLapse"];
export type EvidencePage = NonNullable<G.EvidencePageQuery["evidence"]>;

/** Enough for one control's evidence timeline; more is said as "showing N of M". */
export const CONTROL_EVIDENCE_PAGE = 100;

export async function fetchControlPage(
  id: string,
  options?: RequestOptions,
): Promise<{ control: ControlPage | null; engagements: ControlEngagement[] }> {
  const data = await gql<G.ControlPageQuery>(
    `load control ${id}`,
    /* GraphQL */ `query ControlPage($id: ID!, $first: Int) {
      control(id: $id) {
        id title description domain owner status frequency kind automated expectedEvidence
        criteria { id ref title framework { id name } }
        vendors { id name reportKind reportValidUntil }
        assets(first: 200) { totalCount edges { node { id name kind } } }
        evidence(first: $first) {
          totalCount
          edges { node { id title kind collectedAt validUntil status recordedBy
            reviews { decision reviewer at } supersedes { id } supersededBy { id } covers { id } } }
        }
      }
      engagements(first: 100) { edges { node { id name framework kind periodStart periodEnd } } }
    }`,
    { id, first: CONTROL_EVIDENCE_PAGE },
    options,
  );
  return { control: data.control, engagements: data.engagements.edges.map((e) => e.node) };
}

export async function fetchControlPeriod(
  id: string,
  start: string,
  end: string,
  options?: RequestOptions,
): Promise<ControlPeriodView | null> {
  const data = await gql<G.ControlPeriodQuery>(
    `load the period gaps of control ${id}`,
    /* GraphQL */ `query ControlPeriod($id: ID!, $start: DateTime!, $end: DateTime!) {
      controlPeriod(control: $id, start: $start, end: $end) { frequency gaps intervals { start end evidenceCount isGap } }
    }`,
    { id, start, end },
    options,
  );
  return data.controlPeriod;
}

/** The control's open audit exceptions (any engagement), oldest first. */
export async function fetchControlExceptions(id: string, options?: RequestOptions): Promise<ControlOpenException[]> {
  const data = await gql<G.ControlExceptionsQuery>(
    `load the open exceptions of control ${id}`,
    /* GraphQL */ `query ControlExceptions($id: ID!) {
      auditExceptions(control: $id, open: true, first: 100) {
        edges { node { id engagement evidence description severity foundAt current { owner due status } } }
      }
    }`,
    { id },
    options,
  );
  return data.auditExceptions.edges.map((e) => e.node);
}

export async function fetchVendorPage(id: string, options?: RequestOptions): Promise<VendorPage | null> {
  const data = await gql<G.VendorPageQuery>(
    `load vendor ${id}`,
    /* GraphQL */ `query VendorPage($id: ID!) {
      vendor(id: $id) {
        id name service riskTier reportKind reportValidUntil
        assets { id name kind }
        controls { id title status criteria { id ref framework { id name } } }
      }
    }`,
    { id },
    options,
  );
  return data.vendor;
}

/** What the vendor's report lapsing at `asOf` (null: now) would cost, as the API computes it. */
export async function fetchVendorLapse(
  id: string,
  asOf: string | null,
  options?: RequestOptions,
): Promise<VendorLapse> {
  const data = await gql<G.VendorLapseQuery>(
    `compute what vendor ${id}'s report lapsing would cost`,
    /* GraphQL */ `query VendorLapse($id: ID!, $asOf: DateTime) {
      vendorLapse(vendor: $id, asOf: $asOf) {
        at controlIds
        frameworks {
          frameworkId framework { name }
          before { total covered partial uncovered }
          after { total covered partial uncovered }
          changes { criterionId before after criterion { ref title } }
        }
      }
    }`,
    { id, asOf },
    options,
  );
  return data.vendorLapse;
}

export async function fetchEvidencePage(id: string, options?: RequestOptions): Promise<EvidencePage | null> {
  const data = await gql<G.EvidencePageQuery>(
    `load evidence ${id}`,
    /* GraphQL */ `query EvidencePage($id: ID!) {
      evidence(id: $id) {
        id title kind collectedAt validUntil status uri sha256 periodStart periodEnd recordedBy recordedAt
        reviews { decision note reviewer at }
        control { id title frequency status assets(first: 50) { totalCount edges { node { id name kind } } } }
        supersedes { id title collectedAt status }
        supersededBy { id title collectedAt status }
        covers { id name kind }
      }
    }`,
    { id },
    options,
  );
  return data.evidence;
}

export type ModelCard = NonNullable<NonNullable<G.AssetModelCardQuery["asset"]>["modelCard"]>;

/** An asset's model card as its ML-BOM gave it; null: no such asset, or it has no card. */
export async function fetchModelCard(asset: string, options?: RequestOptions): Promise<ModelCard | null> {
  const data = await gql<G.AssetModelCardQuery>(
    `load the model card of ${asset}`,
    /* GraphQL */ `query AssetModelCard($asset: ID!) {
      asset(id: $asset) {
        id
        modelCard {
          approach task architectureFamily modelArchitecture inputs outputs
          datasets { name ref asset }
          performanceMetrics { type value slice lowerBound upperBound }
          users useCases technicalLimitations performanceTradeoffs
          ethicalConsiderations { name mitigationStrategy }
          fairnessAssessments { groupAtRisk benefits harms mitigationStrategy }
        }
      }
    }`,
    { asset },
    options,
  );
  return data.asset?.modelCard ?? null;
}
