/** Hash routes: `#/<page>[/<id>][?k=v&…]`. Pure parse/format so links and tests agree. */

export type PageName =
  | "overview"
  | "criterion"
  | "assets"
  | "missing"
  | "period"
  | "crosswalk"
  | "impact"
  | "engagement"
  | "control"
  | "vendor"
  | "evidence"
  | "matrix"
  | "owner";

export const PAGES: readonly PageName[] = [
  "overview",
  "criterion",
  "assets",
  "missing",
  "period",
  "crosswalk",
  "impact",
  "engagement",
  "control",
  "vendor",
  "evidence",
  "matrix",
  "owner",
];

export interface Route {
  page: PageName;
  /** The path segment after the page (criterion or engagement id), decoded. */
  id: string | null;
  params: Record<string, string>;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "").replace(/^\//, "");
  const [path = "", query = ""] = raw.split("?", 2) as [string, string?];
  const [first = "", ...rest] = path.split("/");
  const page = (PAGES as readonly string[]).includes(first) ? (first as PageName) : "overview";
  const id = page === first && rest.length > 0 && rest.join("/") !== "" ? safeDecode(rest.join("/")) : null;
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) if (v !== "") params[k] = v;
  return { page, id, params };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The hash for a route; empty or null params are left out. */
export function buildHash(
  page: PageName,
  id: string | null = null,
  params: Record<string, string | null | undefined> = {},
): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") search.set(k, v);
  const query = search.toString();
  return `#/${page}${id ? `/${encodeURIComponent(id)}` : ""}${query ? `?${query}` : ""}`;
}

export const criterionHash = (id: string, asOf?: string | null): string => buildHash("criterion", id, { asOf });
export const engagementHash = (id: string): string => buildHash("engagement", id);
export const assetHash = (id: string): string => buildHash("assets", null, { asset: id });
export const controlHash = (id: string): string => buildHash("control", id);
export const vendorHash = (id: string): string => buildHash("vendor", id);
export const evidenceHash = (id: string): string => buildHash("evidence", id);
