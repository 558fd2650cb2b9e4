/** Who is signed in (from `me`), for the top bar and for pages that offer writes. */
import type { Me } from "./api/queries";

let current: Me | null = null;

export function setMe(me: Me | null): void {
  current = me;
}

export function getMe(): Me | null {
  return current;
}

/** Roles that may call recordChange (service/auth/roles.py: EDIT). */
export const CHANGE_ROLES = ["EDITOR", "ADMIN"];

/** Whether the signed-in caller may record changes; unknown (not asked yet) counts as yes. */
export function canRecordChanges(me: Me | null = current): boolean {
  return me === null || me.roles.some((r) => CHANGE_ROLES.includes(r));
}
