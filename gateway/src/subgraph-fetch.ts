import type { RemoteGraphQLDataSource } from "@apollo/gateway";
import http from "node:http";

type Fetcher = RemoteGraphQLDataSource["fetcher"];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/**
 * A subgraph's answer, read whole: what RemoteGraphQLDataSource uses of a fetch Response (status, ok,
 * url, headers.get, json, text) over one buffer. Reading it twice (or by several callers, see
 * dedupe.ts) is allowed: each read parses the same bytes again, so no caller shares another's objects.
 */
export class BufferedResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = "basic";
  readonly bodyUsed = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  async text(): Promise<string> {
    return this.bytes.toString("utf8");
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.bytes.toString("utf8"));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.bytes).buffer;
  }

  clone(): BufferedResponse {
    return this;
  }

  /** As the fetcher type wants it (Apollo reads only the members above). */
  asFetcherResponse(): FetcherResponse {
    return this as unknown as FetcherResponse;
  }
}

/** How long a subgraph may take to answer (undici fetch's default header timeout was as long). */
const SUBGRAPH_TIMEOUT_MS = 300_000;

/**
 * The gateway's fetcher for subgraph requests: node:http on a keep-alive agent, the body read into one
 * buffer. Node's fetch (undici) wraps every answer in WHATWG streams and a Response, and was the largest
 * JavaScript cost of a gateway request in a CPU profile; a subgraph answer is small and always read whole.
 * A query whose pooled socket was closed by the subgraph before it read anything (ECONNRESET on a reused
 * socket, the race Node's docs describe) is sent once more; a mutation is not.
 */
export function subgraphFetcher(agent = new http.Agent({ keepAlive: true, scheduling: "lifo" })): Fetcher {
  const send = (url: string, init: RequestInit, retried: boolean): Promise<BufferedResponse> =>
    new Promise((resolve, reject) => {
      const request = http.request(url, { method: init.method ?? "GET", headers: init.headers as http.OutgoingHttpHeaders, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const headers = new Headers();
          const raw = response.rawHeaders;
          for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index], raw[index + 1]);
          resolve(new BufferedResponse(url, response.statusCode ?? 0, response.statusMessage ?? "", headers, Buffer.concat(chunks)));
        });
      });
      request.setTimeout(SUBGRAPH_TIMEOUT_MS, () => request.destroy(new Error(`subgraph did not answer within ${SUBGRAPH_TIMEOUT_MS} ms: ${url}`)));
      request.on("error", (error: NodeJS.ErrnoException) => {
        if (!retried && request.reusedSocket && error.code === "ECONNRESET" && isQueryBody(init.body)) {
          send(url, init, true).then(resolve, reject);
          return;
        }
        reject(error);
      });
      request.end(typeof init.body === "string" ? init.body : undefined);
    });
  return (async (url: string, init?: RequestInit) => (await send(url, init ?? {}, false)).asFetcherResponse()) as unknown as Fetcher;
}

/** A GraphQL query (never a mutation or subscription): the document's first keyword, or `{` shorthand. */
export function isQueryBody(body: unknown): boolean {
  if (typeof body !== "string") return false;
  let query: unknown;
  try {
    query = (JSON.parse(body) as { query?: unknown }).query;
  } catch {
    return false;
  }
  return typeof query === "string" && /^\s*(\{|query\b)/.test(query);
}
