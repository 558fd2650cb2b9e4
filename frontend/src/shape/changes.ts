/** Recorded changes of assets: their kinds in words. */
import type { ChangeKind } from "../api/generated";

export const CHANGE_KIND_LABEL: Readonly<Record<ChangeKind, string>> = {
  RETRAIN: "retrain",
  REDEPLOY: "redeploy",
  CONFIG: "configuration",
  DATA: "data",
  INFRA: "infrastructure",
  OTHER: "other",
};

/** The kinds in the order a picker lists them ("other" last: the API's default). */
export const CHANGE_KINDS = Object.keys(CHANGE_KIND_LABEL) as ChangeKind[];

export function isChangeKind(value: string | null | undefined): value is ChangeKind {
  return !!value && (CHANGE_KINDS as string[]).includes(value);
}
