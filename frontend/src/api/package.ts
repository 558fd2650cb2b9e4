/**
 * The auditor's package: `GET api/engagements/{id}/package` (auditor, admin), a ZIP fetched with
 * the caller's credential (a plain link could not send it) and handed over as a Blob.
 */
import { GraphQLRequestError, UNAUTHENTICATED_EVENT, isAbort } from "./client";
import { getApiKey } from "./credentials";

/** Relative to the page, like the GraphQL endpoint, so the dashboard works under any mount path. */
export function packageUrl(engagement: string): string {
  return `api/engagements/${encodeURIComponent(engagement)}/package`;
}

/** The file name a Content-Disposition header gives, else `<engagement>-package.zip`. */
export function packageFileName(disposition: string | null, engagement: string): string {
  const named = /filename="([^"]+)"/.exec(disposition ?? "")?.[1];
  return named && !/[\\/]/.test(named) ? named : `${engagement.replace(/[^A-Za-z0-9._-]+/g, "_")}-package.zip`;
}

export async function fetchPackage(
  engagement: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ blob: Blob; fileName: string }> {
  const what = `download the package of ${engagement}`;
  const key = getApiKey();
  let response: Response;
  try {
    response = await fetch(packageUrl(engagement), {
      headers: { accept: "application/zip", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      signal: options.signal,
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new GraphQLRequestError(what, [
      { message: `the service did not answer (${(error as Error).message})`, extensions: { code: "NETWORK" } },
    ]);
  }
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT));
    // REST refusals carry {code, message} (service/rest_errors.py).
    const body = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
    throw new GraphQLRequestError(what, [
      {
        message: body?.message ?? `HTTP ${response.status} ${response.statusText}`.trim(),
        extensions: { code: body?.code ?? `HTTP_${response.status}` },
      },
    ]);
  }
  return {
    blob: await response.blob(),
    fileName: packageFileName(response.headers.get("content-disposition"), engagement),
  };
}
