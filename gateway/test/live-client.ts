import type { FormattedExecutionResult } from "graphql";

type ExecutionResult = FormattedExecutionResult<Record<string, unknown>, unknown>;
import { createClient, type Client, type SubscribePayload } from "graphql-ws";
import WebSocket from "ws";

/** The WebSocket URL of a gateway's /graphql. */
export const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, "ws");

export interface LiveTestClient {
  client: Client;
  /** Settles with the code and reason the socket closed with. */
  closed: Promise<{ code: number; reason: string }>;
  /** Whether the server acknowledged the connection (connection_ack). */
  connected: Promise<boolean>;
}

/** A graphql-ws client (Node's `ws`), token in connectionParams, no retries, connecting at once. */
export function liveClient(httpUrl: string, token?: string | null, connectionParams?: Record<string, unknown>): LiveTestClient {
  let closedWith!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedWith = resolve));
  let connectedWith!: (value: boolean) => void;
  const connected = new Promise<boolean>((resolve) => (connectedWith = resolve));
  const client = createClient({
    url: wsUrl(httpUrl),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: connectionParams ?? (token ? { authorization: `Bearer ${token}` } : {}),
    on: {
      connected: () => connectedWith(true),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string | Buffer };
        connectedWith(false);
        closedWith({ code, reason: String(reason) });
      },
    },
    onNonLazyError: () => undefined,
  });
  return { client, closed, connected };
}

export type { ExecutionResult as LiveResult };

export interface Subscription {
  results: ExecutionResult[];
  /** Settles when the subscription completes (error: what the sink received, e.g. a close event or GraphQL errors). */
  ended: Promise<{ error?: unknown }>;
  /** Resolves once at least `count` results arrived (rejects if the subscription ends first). */
  nth(count: number): Promise<ExecutionResult[]>;
  /** Resolves at the first result that matches (rejects if the subscription ends first). */
  until(predicate: (result: ExecutionResult) => boolean): Promise<ExecutionResult[]>;
  unsubscribe(): void;
}

/** Subscribes and collects every payload. */
export function collect(client: Client, payload: SubscribePayload): Subscription {
  const results: ExecutionResult[] = [];
  const waiters: Array<() => void> = [];
  let finished: { error?: unknown } | undefined;
  let endWith!: (value: { error?: unknown }) => void;
  const ended = new Promise<{ error?: unknown }>((resolve) => (endWith = resolve));
  const wake = () => waiters.splice(0).forEach((waiter) => waiter());
  const unsubscribe = client.subscribe<Record<string, unknown>>(payload, {
    next: (value) => {
      results.push(value);
      wake();
    },
    error: (error) => {
      finished = { error };
      endWith(finished);
      wake();
    },
    complete: () => {
      finished = {};
      endWith(finished);
      wake();
    },
  });
  const until = (predicate: (result: ExecutionResult) => boolean) =>
    new Promise<ExecutionResult[]>((resolve, reject) => {
      const check = () => {
        if (results.some(predicate)) return resolve(results);
        if (finished) return reject(new Error(`subscription ended before the expected result; got ${JSON.stringify(results)} and ${JSON.stringify(finished)}`));
        waiters.push(check);
      };
      check();
    });
  return { results, ended, unsubscribe, until, nth: (count) => until(() => results.length >= count) };
}
