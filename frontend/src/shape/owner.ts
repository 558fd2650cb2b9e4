/** An owner as people read it, and where an empty one is set. */

/** What an empty owner reads as (the owner filters' value for it too). */
export const NO_OWNER = "no owner set";

export function ownerText(owner: string | null | undefined): string {
  return owner?.trim() || NO_OWNER;
}

/** The page where a control's owner is set (pages/owner.ts). */
export function ownerEditHash(controlId: string): string {
  return `#/owner/${encodeURIComponent(controlId)}`;
}

/** The owner form's check: an owner is some text; the API names the field `controls[0].owner`. */
export function checkOwner(value: string): { ok: true; value: string } | { ok: false; field: string; reason: string } {
  const owner = value.trim();
  if (!owner) return { ok: false, field: "controls.owner", reason: "type who answers for the control" };
  return { ok: true, value: owner };
}
