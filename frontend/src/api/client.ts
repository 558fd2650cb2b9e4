/**
 * The only way the dashboard talks to the service: POST /graphql with a query and variables.
 * Every failure becomes a GraphQLRequestError that says what failed, with the server's
 * message and its machine-readable `extensions.code`.
 */

import { getApiKey } from "./credentials";

export interface GraphQLErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; fields?: { field: string; reason: string }[] } & Record<string, unknown>;
}

export class GraphQLRequestError extends Error {
  /** What the dashboard was trying to do, e.g. "load coverage for soc2-tsc-2017". */
  readonly what: string;
  /** One entry per error the server returned (or one synthesised for transport failures). */
  readonly errors: GraphQLErrorEntry[];

  constructor(what: string, errors: GraphQLErrorEntry[]) {
    super(`Could not ${what}: ${errors.map(describeError).join("; ")}`);
    this.name = "GraphQLRequestError";
    this.what = what;
    this.errors = errors;
  }

  /** The first error's code (NOT_FOUND, BAD_USER_INPUT, NETWORK, HTTP_502, …). */
  get code(): string {
    return this.errors[0]?.extensions?.code ?? "UNKNOWN";
  }
}

export function describeError(error: GraphQLErrorEntry): string {
  const code = error.extensions?.code;
  const fields = error.extensions?.fields?.map((f) => `${f.field}: ${f.reason}`).join(", ");
  let text = error.message;
  if (fields && !text.includes(fields)) text += ` (${fields})`;
  return code ? `${text} [${code}]` : text;
}

export interface RequestOptions {
  signal?: AbortSignal;
  endpoint?: string;
  /** Send this credential instead of the stored one (checking a key before keeping it). */
  apiKey?: string;
}

export type Variables = Record<string, unknown>;

let defaultEndpoint = "graphql";

/** The endpoint is relative to the page so the dashboard works under any mount path. */
export function setEndpoint(url: string): void {
  defaultEndpoint = url;
}

/** Fired on `window` when the service answers 401: the shell then asks for an API key. */
export const UNAUTHENTICATED_EVENT = "attestgraph:unauthenticated";

/** Longest Retry-After the client waits out by itself before reporting RATE_LIMITED. */
const MAX_RETRY_WAIT_S = 5;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new DOMException("aborted", "AbortError"));
    });
  });

export async function gql<T>(
  what: string,
  query: string,
  variables: Variables = {},
  options: RequestOptions = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    const key = options.apiKey ?? getApiKey();
    if (key) headers.authorization = `Bearer ${key}`;
    let response: Response;
    try {
      response = await fetch(options.endpoint ?? defaultEndpoint, {
        method: "POST",
        headers,
        body: JSON.stringify({ query, variables }),
        signal: options.signal,
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new GraphQLRequestError(what, [
        { message: `the service did not answer (${(error as Error).message})`, extensions: { code: "NETWORK" } },
      ]);
    }
    // Over the rate limit: wait as asked, once, when the wait is short.
    const retryAfter = Number(response.headers.get("retry-after") ?? "");
    if (response.status === 429 && attempt === 0 && retryAfter > 0 && retryAfter <= MAX_RETRY_WAIT_S) {
      await sleep(retryAfter * 1000, options.signal);
      continue;
    }
    let body: { data?: T | null; errors?: GraphQLErrorEntry[]; code?: string; message?: string } | undefined;
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
      if (isAbort(error)) throw error;
      body = undefined;
    }
    if (response.status === 401 && options.apiKey === undefined)
      window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT));
    if (body?.errors?.length) throw new GraphQLRequestError(what, body.errors);
    if (!response.ok && typeof body?.code === "string") {
      // The gate's REST-style refusals: {code, message} (UNAUTHENTICATED, RATE_LIMITED, PAYLOAD_TOO_LARGE…).
      throw new GraphQLRequestError(what, [
        { message: body.message ?? `HTTP ${response.status}`, extensions: { code: body.code } },
      ]);
    }
    if (!response.ok || !body || body.data == null) {
      throw new GraphQLRequestError(what, [
        {
          message:
            `HTTP ${response.status} ${response.statusText || ""}`.trim() +
            (body ? "" : " with a body that is not JSON"),
          extensions: { code: `HTTP_${response.status}` },
        },
      ]);
    }
    return body.data;
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException ? error.name === "AbortError" : (error as Error)?.name === "AbortError";
}

/** Follow a connection's cursors until it ends (or `limit` nodes), `pageSize` per request. */
export async function fetchAll<N>(
  page: (first: number, after: string | null) => Promise<Connection<N>>,
  pageSize = 200,
  limit = 10_000,
): Promise<{ nodes: N[]; totalCount: number }> {
  const nodes: N[] = [];
  let after: string | null = null;
  let totalCount: number;
  for (;;) {
    const conn: Connection<N> = await page(pageSize, after);
    totalCount = conn.totalCount;
    nodes.push(...conn.edges.map((e) => e.node));
    if (!conn.pageInfo.hasNextPage || nodes.length >= limit || conn.edges.length === 0) break;
    after = conn.pageInfo.endCursor;
  }
  return { nodes, totalCount };
}

export interface Connection<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: N; cursor?: string }[];
}
