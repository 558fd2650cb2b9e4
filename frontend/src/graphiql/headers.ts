/** The headers GraphiQL sends: those typed in its headers editor, plus the key given on the page. */

export const KEY_HEADERS = ["authorization", "x-api-key"] as const;

/**
 * `editor`: the headers editor's object (whatever GraphiQL parsed from it); `key`: the page's key
 * field. The key goes as `Authorization: Bearer <key>` unless the editor already sends a credential
 * (what the person typed there wins); non-string values from the editor are dropped.
 */
export function requestHeaders(editor: Record<string, unknown> | undefined, key: string): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  for (const [name, value] of Object.entries(editor ?? {})) {
    if (typeof value === "string") headers[name] = value;
  }
  const named = Object.keys(headers).some((name) => (KEY_HEADERS as readonly string[]).includes(name.toLowerCase()));
  const trimmed = key.trim();
  if (trimmed && !named) headers.authorization = `Bearer ${trimmed}`;
  return headers;
}
