import type { RemoteGraphQLDataSource } from "@apollo/gateway";

type Fetcher = RemoteGraphQLDataSource["fetcher"];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

interface Buffered {
  url: string;
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: ArrayBuffer;
}

/** A query (never a mutation or subscription): the document's first operation keyword, or `{` shorthand. */
function isQuery(body: unknown): boolean {
  if (typeof body !== "string") return false;
  let query: unknown;
  try {
    query = (JSON.parse(body) as { query?: unknown }).query;
  } catch {
    return false;
  }
  return typeof query === "string" && /^\s*(\{|query\b)/.test(query);
}

/** A fresh Response per caller (a body can be read only once; Response copies the buffer). */
function copyOf(buffered: Buffered): FetcherResponse {
  const response = new Response(buffered.body, {
    status: buffered.status,
    statusText: buffered.statusText,
    headers: buffered.headers,
  });
  Object.defineProperty(response, "url", { value: buffered.url });
  return response as unknown as FetcherResponse;
}

/**
 * Shares one subgraph fetch among concurrent identical query requests: same URL, same body and
 * same Authorization header (so one caller never gets data fetched with another's rights). Only
 * while the first is in flight; nothing is cached. Mutations are always sent once per caller.
 * The subgraph sees the first caller's request id, IP and user agent.
 */
export function dedupeInFlight(fetcher: Fetcher): Fetcher {
  const inFlight = new Map<string, Promise<Buffered>>();
  return async (url, init) => {
    if (!init || (init.method ?? "GET").toUpperCase() !== "POST" || init.signal || !isQuery(init.body)) {
      return fetcher(url, init);
    }
    const authorization = init.headers?.authorization ?? init.headers?.Authorization ?? "";
    const key = `${url}\n${authorization}\n${String(init.body)}`;
    let shared = inFlight.get(key);
    if (!shared) {
      shared = (async () => {
        const response = await fetcher(url, init);
        return {
          url: response.url,
          status: response.status,
          statusText: response.statusText,
          headers: [...response.headers],
          body: await response.arrayBuffer(),
        };
      })().finally(() => inFlight.delete(key));
      inFlight.set(key, shared);
    }
    return copyOf(await shared);
  };
}
