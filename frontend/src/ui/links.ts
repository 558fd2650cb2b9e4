/**
 * Every control, asset, vendor, criterion and evidence id the dashboard shows is a link to its
 * page, made here, so each kind of id links the same way everywhere (and the e2e walk can find
 * them by `data-id-link`).
 */
import { assetHash, controlHash, criterionHash, evidenceHash, vendorHash } from "../router";
import { h, type Child } from "./dom";

export type IdKind = "control" | "asset" | "vendor" | "criterion" | "evidence";

const HASH: Readonly<Record<IdKind, (id: string) => string>> = {
  control: controlHash,
  asset: assetHash,
  vendor: vendorHash,
  criterion: (id) => criterionHash(id),
  evidence: evidenceHash,
};

/** The page of an id of this kind. */
export function idHref(kind: IdKind, id: string): string {
  return HASH[kind](id);
}

/** A link to the id's page; the label defaults to the id itself, in code style. */
export function idLink(kind: IdKind, id: string, label?: Child, attrs: Record<string, string> = {}): HTMLAnchorElement {
  return h(
    "a",
    { href: idHref(kind, id), class: "id-link", "data-id-link": kind, "data-id": id, ...attrs },
    label ?? h("code", null, id),
  );
}

export const controlLink = (id: string, label?: Child): HTMLAnchorElement => idLink("control", id, label);
export const assetLink = (id: string, label?: Child): HTMLAnchorElement => idLink("asset", id, label);
export const vendorLink = (id: string, label?: Child): HTMLAnchorElement => idLink("vendor", id, label);
export const criterionLink = (id: string, label?: Child): HTMLAnchorElement => idLink("criterion", id, label);
export const evidenceLink = (id: string, label?: Child): HTMLAnchorElement => idLink("evidence", id, label);

/** Ids as links, comma-separated (an empty list: `none`). */
export function idLinks(kind: IdKind, ids: readonly string[], none = "none"): Child[] {
  if (ids.length === 0) return [none];
  return ids.flatMap((id, i) => [i ? ", " : "", idLink(kind, id)]);
}
