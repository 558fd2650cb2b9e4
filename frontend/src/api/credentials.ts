/**
 * The API key the dashboard sends as `Authorization: Bearer <key>`. Kept for the browser tab
 * (sessionStorage) unless the user asks to remember it on this device (localStorage).
 */

export const KEY_STORAGE = "attestgraph.apiKey";

function stores(): Storage[] {
  const out: Storage[] = [];
  try {
    out.push(window.sessionStorage, window.localStorage);
  } catch {
    // storage disabled: keep the key in memory only
  }
  return out;
}

let memory: string | null = null;

export function getApiKey(): string | null {
  for (const store of stores()) {
    const key = store.getItem(KEY_STORAGE);
    if (key) return key;
  }
  return memory;
}

export function setApiKey(key: string, remember: boolean): void {
  clearApiKey();
  memory = key;
  const [session, local] = stores();
  (remember ? local : session)?.setItem(KEY_STORAGE, key);
}

export function clearApiKey(): void {
  memory = null;
  for (const store of stores()) store.removeItem(KEY_STORAGE);
}

/** A well-formed Attestgraph API key (`ag_<16 hex>_<43 URL-safe>`); OIDC tokens are let through too. */
export function looksLikeCredential(text: string): boolean {
  const t = text.trim();
  return /^ag_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(t) || /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(t);
}
