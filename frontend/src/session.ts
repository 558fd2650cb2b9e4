/** Who is signed in (from `me`), for the top bar and for pages that offer writes. */
import type { RequestOptions } from "./api/client";
import { fetchMe, type Me } from "./api/queries";

let current: Me | null = null;

export function setMe(me: Me | null): void {
  current = me;
}

export function getMe(): Me | null {
  return current;
}

/** The signed-in caller, asking `me` when the shell has not yet (a page that offers writes needs to know). */
export async function whoAmI(options?: RequestOptions): Promise<Me> {
  if (current) return current;
  const me = await fetchMe(options);
  current = me;
  return me;
}

/** Roles that may call recordChange and recordRemediation (service/auth/roles.py: EDIT). */
export const CHANGE_ROLES = ["EDITOR", "ADMIN"];
/** Roles that may draw samples, record exceptions and download the package (service/auth/roles.py: AUDIT). */
export const AUDIT_ROLES = ["AUDITOR", "ADMIN"];

/** Whether the signed-in caller may record changes; unknown (not asked yet) counts as yes. */
export function canRecordChanges(me: Me | null = current): boolean {
  return me === null || me.roles.some((r) => CHANGE_ROLES.includes(r));
}

/** Whether `me` may act as the auditor: draw samples, record exceptions, download the package. */
export function canAudit(me: Me | null): boolean {
  return !!me && me.roles.some((r) => AUDIT_ROLES.includes(r));
}

/** Whether `me` may record remediation of an exception. */
export function canRemediate(me: Me | null): boolean {
  return !!me && me.roles.some((r) => CHANGE_ROLES.includes(r));
}
