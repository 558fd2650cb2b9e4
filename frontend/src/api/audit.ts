/**
 * The audit's documents: an engagement's recorded samples and population sizes, drawing a sample,
 * its exceptions with their remediation, and recording either (typed like ./queries.ts:
 * graphql-codegen reads these literals too).
 */
import { fetchAll, gql, type RequestOptions } from "./client";
import type * as G from "./generated";
import type {
  AuditException,
  ExceptionInput,
  ExceptionSeverity,
  OpenExceptions,
  Remediation,
  RemediationInput,
  Sample,
} from "./types";

const SAMPLE_FIELDS = /* GraphQL */ `
  fragment SampleFields on Sample {
    id control seed size populationSize drawnAt drawnBy redrawOf reason
    items { key intervalStart intervalEnd collectedAt evidence { id title uri } }
  }`;

const ENGAGEMENT_SAMPLES = /* GraphQL */ `query EngagementSamples($id: ID!) {
    engagement(id: $id) { id samples { ...SampleFields } }
  }`;

/** The engagement's recorded samples, oldest first (redraws included). */
export async function fetchSamples(engagement: string, options?: RequestOptions): Promise<Sample[]> {
  const data = await gql<G.EngagementSamplesQuery>(
    `load the samples of engagement ${engagement}`,
    ENGAGEMENT_SAMPLES + SAMPLE_FIELDS,
    { id: engagement },
    options,
  );
  return data.engagement?.samples ?? [];
}

/** The API allows 30 aliases a document: population sizes are asked 25 controls at a time. */
const ALIASES_PER_REQUEST = 25;

/**
 * Each control's population size in the engagement (`engagementPopulation(...).totalCount`). Built
 * at run time (one alias per control), so its shape is written here by hand.
 */
export async function fetchPopulationSizes(
  engagement: string,
  controls: readonly string[],
  options?: RequestOptions,
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (let at = 0; at < controls.length; at += ALIASES_PER_REQUEST) {
    const chunk = controls.slice(at, at + ALIASES_PER_REQUEST);
    const vars = chunk.map((_, i) => `$c${i}: ID!`).join(", ");
    const fields = chunk
      .map((_, i) => `p${i}: engagementPopulation(engagement: $engagement, control: $c${i}, first: 0) { totalCount }`)
      .join("\n");
    const variables: Record<string, string> = { engagement };
    chunk.forEach((c, i) => (variables[`c${i}`] = c));
    const data = await gql<Record<string, { totalCount: number } | undefined>>(
      `count the populations of engagement ${engagement}`,
      `query PopulationSizes($engagement: ID!, ${vars}) { ${fields} }`,
      variables,
      options,
    );
    chunk.forEach((c, i) => sizes.set(c, data[`p${i}`]?.totalCount ?? 0));
  }
  return sizes;
}

const DRAW_SAMPLE = /* GraphQL */ `mutation DrawSample($engagement: ID!, $control: ID!, $seed: String!, $redraw: Boolean!, $reason: String) {
    engagementSample(engagement: $engagement, control: $control, seed: $seed, redraw: $redraw, reason: $reason) {
      ...SampleFields
    }
  }`;

export interface DrawRequest {
  engagement: string;
  control: string;
  seed: string;
  redraw: boolean;
  reason: string | null;
}

/** Draw (or, with the recorded seed, read back) a control's sample; a redraw needs a reason. */
export async function drawSample(request: DrawRequest, options?: RequestOptions): Promise<Sample> {
  const data = await gql<G.DrawSampleMutation>(
    `draw a sample of ${request.control}`,
    DRAW_SAMPLE + SAMPLE_FIELDS,
    { ...request },
    options,
  );
  return data.engagementSample;
}

const OPEN_EXCEPTIONS = /* GraphQL */ `query EngagementOpenExceptions($id: ID!) {
    engagement(id: $id) { coverage { criteria { criterionId openExceptions openExceptionIds } } }
  }`;

/** Each in-scope criterion's open exceptions, asked again after an exception or remediation is recorded. */
export async function fetchOpenExceptions(engagement: string, options?: RequestOptions): Promise<OpenExceptions[]> {
  const data = await gql<G.EngagementOpenExceptionsQuery>(
    `count the open exceptions of engagement ${engagement}`,
    OPEN_EXCEPTIONS,
    { id: engagement },
    options,
  );
  return data.engagement?.coverage.criteria ?? [];
}

const REMEDIATION_FIELDS = /* GraphQL */ `
  fragment RemediationFields on Remediation {
    id exception owner due plan status closedAt evidence recordedAt recordedBy
  }`;

const EXCEPTION_FIELDS = /* GraphQL */ `
  fragment ExceptionFields on AuditException {
    id engagement control evidence description severity foundAt supersedes supersededBy recordedAt recordedBy
    current { ...RemediationFields }
    remediations { ...RemediationFields }
  }`;

const AUDIT_EXCEPTIONS = /* GraphQL */ `query AuditExceptions($engagement: ID!, $open: Boolean, $overdue: Boolean, $owner: String, $severity: ExceptionSeverity, $first: Int, $after: String) {
    auditExceptions(engagement: $engagement, open: $open, overdue: $overdue, owner: $owner, severity: $severity, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { ...ExceptionFields } }
    }
  }`;

/** Each exception brings its remediation history: pages of 50 stay well within the API's cost limit. */
const EXCEPTIONS_PAGE = 50;

export interface ExceptionFilters {
  open: boolean | null;
  overdue: boolean | null;
  owner: string | null;
  severity: ExceptionSeverity | null;
}

/** The engagement's exceptions matching the filters (the API's open/overdue rule), by found at. */
export async function fetchExceptions(
  engagement: string,
  filters: ExceptionFilters,
  options?: RequestOptions,
): Promise<AuditException[]> {
  const { nodes } = await fetchAll<AuditException>(async (first, after) => {
    const data = await gql<G.AuditExceptionsQuery>(
      `list the exceptions of engagement ${engagement}`,
      AUDIT_EXCEPTIONS + EXCEPTION_FIELDS + REMEDIATION_FIELDS,
      { engagement, ...filters, first, after },
      options,
    );
    return data.auditExceptions;
  }, EXCEPTIONS_PAGE);
  return nodes;
}

const RECORD_EXCEPTION = /* GraphQL */ `mutation RecordException($exception: AuditExceptionInput!) {
    recordException(exception: $exception) { ...ExceptionFields }
  }`;

export async function recordException(exception: ExceptionInput, options?: RequestOptions): Promise<AuditException> {
  const data = await gql<G.RecordExceptionMutation>(
    `record an exception of ${exception.control}`,
    RECORD_EXCEPTION + EXCEPTION_FIELDS + REMEDIATION_FIELDS,
    { exception },
    options,
  );
  return data.recordException;
}

const RECORD_REMEDIATION = /* GraphQL */ `mutation RecordRemediation($remediation: RemediationInput!) {
    recordRemediation(remediation: $remediation) { ...RemediationFields }
  }`;

export async function recordRemediation(remediation: RemediationInput, options?: RequestOptions): Promise<Remediation> {
  const data = await gql<G.RecordRemediationMutation>(
    `record remediation of ${remediation.exception}`,
    RECORD_REMEDIATION + REMEDIATION_FIELDS,
    { remediation },
    options,
  );
  return data.recordRemediation;
}
