/** The shapes the dashboard reads from the GraphQL API (only the fields it asks for). */
import type { Connection } from "./client";

export type CoverageStatus = "UNCOVERED" | "PARTIAL" | "COVERED";
export type Frequency = "CONTINUOUS" | "DAILY" | "WEEKLY" | "MONTHLY" | "QUARTERLY" | "SEMIANNUAL" | "ANNUAL";
export type EvidenceState = "OK" | "STALE" | "EXPIRED" | "PENDING_REVIEW" | "REJECTED" | "NEVER_COLLECTED";
export type EvidenceStatus = "ACCEPTED" | "PENDING" | "REJECTED";
export type MappingRelationship = "EQUAL" | "SUBSET_OF" | "SUPERSET_OF" | "INTERSECTS_WITH";

export interface FrameworkRef {
  id: string;
  name: string;
}

export interface Framework extends FrameworkRef {
  version: string;
  publisher: string;
}

export interface StatusCounts {
  total: number;
  covered: number;
  partial: number;
  uncovered: number;
}

export interface CategoryCounts extends StatusCounts {
  category: string;
}

export interface ControlFinding {
  controlId: string;
  title: string;
  status: string;
  effective: boolean;
  reason: string;
}

export interface CrosswalkCandidate {
  criterionId: string;
  relationship: MappingRelationship;
  neighbourStatus: CoverageStatus;
  candidate: CoverageStatus;
  criterion: { ref: string; title: string; framework: FrameworkRef | null } | null;
}

export interface CriterionCoverage {
  criterionId: string;
  ref: string;
  title: string;
  category: string;
  parentId: string | null;
  isLeaf: boolean;
  status: CoverageStatus;
  derived: boolean;
  reason: string;
  controls: ControlFinding[];
  via: CrosswalkCandidate[];
}

export interface CoverageReport {
  frameworkId: string;
  asOf: string;
  totals: StatusCounts;
  byCategory: CategoryCounts[];
  criteria: CriterionCoverage[];
}

export interface AssetRef {
  id: string;
  name: string;
  kind: string;
}

export interface Evidence {
  id: string;
  title: string;
  kind: string;
  collectedAt: string;
  validUntil: string | null;
  status: EvidenceStatus;
  uri: string;
  covers: { id: string }[];
}

export interface ControlDetail {
  id: string;
  title: string;
  owner: string;
  status: string;
  frequency: Frequency;
  kind: string;
  automated: boolean;
  assets: Connection<AssetRef & { changedAt: string | null }>;
  evidence: Connection<Evidence>;
}

export interface CriterionMapping {
  otherId: string;
  relationship: MappingRelationship;
  strength: number;
  rationale: string;
  other: { id: string; ref: string; title: string; framework: FrameworkRef | null } | null;
}

export interface CriterionDetail {
  id: string;
  ref: string;
  title: string;
  category: string;
  description: string;
  framework: FrameworkRef | null;
  parent: { id: string; ref: string; title: string } | null;
  children: { id: string; ref: string; title: string }[];
  controls: ControlDetail[];
  mappings: CriterionMapping[];
}

export interface AssetSummary extends AssetRef {
  owner: string;
  environment: string;
  criticality: string;
}

export interface AffectedAsset {
  assetId: string;
  distance: number;
  asset: { name: string; kind: string; dependsOn: { id: string }[] } | null;
}

export interface BlastRadius {
  assetId: string;
  asset: AssetRef | null;
  assets: Connection<AffectedAsset>;
  controls: { id: string; title: string; owner: string; status: string }[];
  criteria: { id: string; ref: string; title: string; framework: FrameworkRef | null }[];
  frameworks: FrameworkRef[];
  vendors: { id: string; name: string; service: string; riskTier: string }[];
  evidence: Connection<{
    id: string;
    title: string;
    status: EvidenceStatus;
    collectedAt: string;
    validUntil: string | null;
    control: { id: string; frequency: Frequency } | null;
  }>;
}

export interface MissingEvidenceRow {
  controlId: string;
  control: { title: string; owner: string } | null;
  assetId: string | null;
  asset: { name: string } | null;
  reason: EvidenceState;
  since: string | null;
}

export interface MissingEvidenceReport {
  frameworkId: string | null;
  asOf: string;
  totalCount: number;
  byReason: { reason: EvidenceState; count: number }[];
}

export interface GapInterval {
  start: string;
  end: string;
  evidenceCount: number;
  isGap: boolean;
}

export interface ControlPeriod {
  controlId: string;
  control: { title: string } | null;
  frequency: string;
  gaps: number;
  intervals: GapInterval[];
}

export interface CrosswalkRow {
  sourceId: string;
  targetId: string;
  relationship: MappingRelationship;
  strength: number;
  rationale: string;
  inverted: boolean;
  source: { ref: string; title: string } | null;
  target: { ref: string; title: string } | null;
}

export interface FrameworkDelta {
  frameworkId: string;
  before: StatusCounts;
  after: StatusCounts;
  changes: { criterionId: string; before: CoverageStatus; after: CoverageStatus; criterion: { ref: string; title: string } | null }[];
}

export interface ImpactReport {
  assetId: string;
  at: string;
  propagate: boolean;
  recorded: boolean;
  assetIds: string[];
  assets: AssetRef[];
  staleEvidence: { evidenceId: string; controlId: string; assetId: string; evidence: { title: string } | null }[];
  frameworks: FrameworkDelta[];
}
