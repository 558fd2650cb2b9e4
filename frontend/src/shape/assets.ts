/** Asset search: a case-insensitive match on name, id, owner or kind; best matches first. */
import type { AssetSummary } from "../api/types";

export function searchAssets(assets: readonly AssetSummary[], query: string): AssetSummary[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  const score = (a: AssetSummary): number => {
    if (terms.length === 0) return 1;
    const name = a.name.toLowerCase();
    const id = a.id.toLowerCase();
    const hay = `${name} ${id} ${a.owner.toLowerCase()} ${a.kind.toLowerCase()}`;
    if (!terms.every((t) => hay.includes(t))) return 0;
    const q = terms.join(" ");
    if (id === q || name === q) return 4;
    if (name.startsWith(q) || id.startsWith(q)) return 3;
    return 2;
  };
  return assets
    .map((a) => ({ a, s: score(a) }))
    .filter((x) => x.s > 0)
    .sort((x, y) => y.s - x.s || x.a.name.localeCompare(y.a.name) || x.a.id.localeCompare(y.a.id))
    .map((x) => x.a);
}
