/**
 * The criteria matrix's documents: every control's owner (for the owner filter, one paged list),
 * and one criterion's controls with their evidence (asked when a row is expanded).
 */
import { fetchAll, gql, type RequestOptions } from "./client";
import type * as G from "./generated";

export type ControlOwner = G.ControlOwnersQuery["controls"]["edges"][number]["node"];
export type MatrixCriterion = NonNullable<G.MatrixCriterionQuery["criterion"]>;
export type MatrixControl = MatrixCriterion["controls"][number];

/** Every control's id, owner and domain: the owner filter matches a criterion by its controls' owners. */
export async function listControlOwners(options?: RequestOptions): Promise<ControlOwner[]> {
  const { nodes } = await fetchAll<ControlOwner>(async (first, after) => {
    const data = await gql<G.ControlOwnersQuery>(
      "list the controls' owners",
      /* GraphQL */ `query ControlOwners($first: Int, $after: String) {
        controls(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id owner } } }
      }`,
      { first, after },
      options,
    );
    return data.controls;
  }, 500);
  return nodes;
}

export const MATRIX_EVIDENCE_SHOWN = 10;

/** A criterion's controls and their first evidence items (in id order; the rest are on the criterion page). */
export async function fetchMatrixCriterion(id: string, options?: RequestOptions): Promise<MatrixCriterion | null> {
  const data = await gql<G.MatrixCriterionQuery>(
    `load the controls of ${id}`,
    /* GraphQL */ `query MatrixCriterion($id: ID!, $first: Int) {
      criterion(id: $id) {
        id ref
        controls {
          id title owner status
          evidence(first: $first) { totalCount edges { node { id title status collectedAt validUntil } } }
        }
      }
    }`,
    { id, first: MATRIX_EVIDENCE_SHOWN },
    options,
  );
  return data.criterion;
}

const CONTROL_FIELDS = /* GraphQL */ `
  fragment ControlFields on Control { id title description domain owner status frequency kind automated expectedEvidence }`;

export type ControlFields = G.ControlFieldsFragment;

const CONTROL_OWNER = /* GraphQL */ `query ControlOwner($id: ID!) { control(id: $id) { ...ControlFields } }`;
const SET_CONTROL_OWNER = /* GraphQL */ `mutation SetControlOwner($control: ControlInput!) {
    upsertControls(controls: [$control]) { ...ControlFields }
  }`;

/** A control's own fields (what upsertControls writes); null when there is no such control. */
export async function fetchControlFields(id: string, options?: RequestOptions): Promise<ControlFields | null> {
  const data = await gql<G.ControlOwnerQuery>(`load control ${id}`, CONTROL_OWNER + CONTROL_FIELDS, { id }, options);
  return data.control;
}

/** Set a control's owner: upsertControls writes every field, so the others go back as they are
 * (edges are only ever added by it, so none is lost). */
export async function setControlOwner(
  control: ControlFields,
  owner: string,
  options?: RequestOptions,
): Promise<ControlFields> {
  const { id, title, description, domain, status, frequency, kind, automated, expectedEvidence } = control;
  const data = await gql<G.SetControlOwnerMutation>(
    `set the owner of ${id}`,
    SET_CONTROL_OWNER + CONTROL_FIELDS,
    { control: { id, title, description, domain, status, frequency, kind, automated, expectedEvidence, owner } },
    options,
  );
  return data.upsertControls[0]!;
}
