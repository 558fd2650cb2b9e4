/**
 * The shapes the dashboard reads from the GraphQL API, named for the pages that use them.
 *
 * Nothing here is written by hand: each is the result type graphql-codegen derived (./generated.ts)
 * from a document in ./queries.ts and the published schema, picked out by path.
 */
import type * as G from "./generated";

/** The node type of a connection's edges. */
type NodeOf<C> = C extends { edges: readonly { node: infer N }[] } ? N : never;

export type {
  AssetKind,
  ChangeInput,
  CoverageStatus,
  EvidenceState,
  EvidenceStatus,
  Frequency,
  MappingRelationship,
  ReportKind,
  Severity,
} from "./generated";

export type Framework = NodeOf<G.FrameworksQuery["frameworks"]>;
export type FrameworkRef = Pick<Framework, "id" | "name">;

export type StatusCounts = G.CoverageTotalsQuery["coverage"]["totals"];
export type CategoryCounts = G.CoverageQuery["coverage"]["byCategory"][number];

/** The criterion page's report: every criterion, with the crosswalk candidates in full. */
export type CriterionCoverageReport = G.CriterionCoverageQuery["coverage"];
export type CriterionCoverage = CriterionCoverageReport["criteria"][number];
export type ControlFinding = CriterionCoverage["controls"][number];
export type CrosswalkCandidate = CriterionCoverage["via"][number];

/** One row of `criteriaRows`, a JSON value codegen cannot see into: the criterion page's row with
 * the crosswalk candidates by id only (service/graphql/coverage_report.py `_criterion_row`). */
export type CoverageRow = Omit<CriterionCoverage, "via"> & { via: Omit<CrosswalkCandidate, "criterion">[] };
/** The overview's report: assessable criteria (the ones coverage counts) as JSON rows. */
export type CoverageReport = Omit<G.CoverageQuery["coverage"], "criteria"> & { criteria: CoverageRow[] };

export type CriterionDetail = NonNullable<G.CriterionQuery["criterion"]>;
export type ControlDetail = CriterionDetail["controls"][number];
/** A subservice organization a (carved-out) control relies on, with its report. */
export type ControlVendor = ControlDetail["vendors"][number];
export type CriterionMapping = CriterionDetail["mappings"][number];
export type ControlAsset = G.ControlAssetFragment;
export type ControlEvidence = G.ControlEvidenceFragment;

export type AssetSummary = NodeOf<G.AssetsQuery["assets"]>;
export type BlastRadius = G.BlastQuery["blastRadius"];
export type AffectedAsset = NodeOf<BlastRadius["assets"]>;

type MissingEvidence = G.MissingQuery["missingEvidence"];
export type MissingEvidenceReport = Omit<MissingEvidence, "rows">;
export type MissingEvidenceRow = NodeOf<MissingEvidence["rows"]>;

/** A control of a period with its intervals (the Type II page's opened domain). */
export type ControlPeriod = NodeOf<G.GapGroupFragment["controls"]>;
export type GapInterval = ControlPeriod["intervals"][number];
/** A control of a period in brief: its domain and counts. */
export type ControlPeriodSummary = NodeOf<G.GapSummaryFragment["controls"]>;
/** An evidence item of a period's control: when it was collected and what span it observed. */
export type OperatingEvidence = NodeOf<G.OperatingEvidenceFragment["evidence"]>;

export type CrosswalkRow = NodeOf<G.CrosswalkQuery["crosswalk"]["rows"]>;

export type ImpactReport = G.ImpactFieldsFragment;
export type FrameworkDelta = ImpactReport["frameworks"][number];

export type EngagementSummary = NodeOf<G.EngagementsQuery["engagements"]>;
export type EngagementKind = EngagementSummary["kind"];
export type EngagementScope = G.EngagementScopeFragment;
export type EngagementDetail = NonNullable<G.EngagementQuery["engagement"]>;
export type EngagementCriterion = EngagementDetail["coverage"]["criteria"][number];
export type EngagementGapsSummary = NonNullable<EngagementDetail["gaps"]>;
export type EngagementGapControl = NodeOf<EngagementGapsSummary["controls"]>;
/** An engagement's scope with its period gaps in brief (null for Type I). */
export type EngagementGaps = NonNullable<G.EngagementGapsQuery["engagement"]>;

export type AssetHistory = NonNullable<G.AssetChangesQuery["asset"]>;
export type AssetChange = NodeOf<AssetHistory["changes"]>;
/** The asset page's findings: a page of them, with the asset's name. */
export type AssetFindings = NonNullable<G.AssetFindingsQuery["asset"]>;
export type AssetFinding = NodeOf<AssetFindings["findings"]>;
export type FindingCount = G.BlastQuery["blastRadius"]["findingCounts"][number];

export type {
  AuditExceptionInput as ExceptionInput,
  ExceptionSeverity,
  RemediationInput,
  RemediationStatus,
} from "./generated";
/** An in-scope control of a Type II engagement (the sample card's rows, the exception form's picker). */
export type InScopeControl = NodeOf<EngagementGapsSummary["inScope"]>;
export type Sample = G.SampleFieldsFragment;
export type SampleItem = Sample["items"][number];
export type AuditException = G.ExceptionFieldsFragment;
export type Remediation = G.RemediationFieldsFragment;
/** An in-scope criterion's open exceptions (re-asked after an audit write). */
export type OpenExceptions = NonNullable<G.EngagementOpenExceptionsQuery["engagement"]>["coverage"]["criteria"][number];
