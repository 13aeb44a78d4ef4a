import type { RemoteGraphQLDataSource } from "@apollo/gateway";
import { BufferedResponse, isQueryBody } from "./subgraph-fetch";

type Fetcher = RemoteGraphQLDataSource["fetcher"];

/**
 * Shares one subgraph fetch among concurrent identical query requests: same URL, same body and
 * same Authorization header (so one caller never gets data fetched with another's rights). Only
 * while the first is in flight; nothing is cached. Mutations are always sent once per caller.
 * The subgraph sees the first caller's request id, IP and user agent.
 */
export function dedupeInFlight(fetcher: Fetcher): Fetcher {
  const inFlight = new Map<string, Promise<BufferedResponse>>();
  return async (url, init) => {
    if (!init || (init.method ?? "GET").toUpperCase() !== "POST" || init.signal || !isQueryBody(init.body)) {
      return fetcher(url, init);
    }
    const authorization = init.headers?.authorization ?? init.headers?.Authorization ?? "";
    const key = `${url}\n${authorization}\n${String(init.body)}`;
    let shared = inFlight.get(key);
    if (!shared) {
      shared = (async () => {
        const response = await fetcher(url, init);
        // Read whole once; every caller then parses the same bytes into objects of its own.
        if (response instanceof BufferedResponse) return response;
        return new BufferedResponse(response.url, response.status, response.statusText, new Headers([...response.headers]), Buffer.from(await response.arrayBuffer()));
      })().finally(() => inFlight.delete(key));
      inFlight.set(key, shared);
    }
    return (await shared).asFetcherResponse();
  };
}
