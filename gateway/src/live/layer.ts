import {
  ErrorCode,
  liveChannel,
  liveEventSchema,
  type Actor,
  type AuthUser,
  type LiveArgs,
  type LiveEvent,
  type Logger,
} from "@opsconductor/kit/gateway";
import { GraphQLError, type ExecutionResult, type FormattedExecutionResult, type GraphQLFormattedError } from "graphql";
import type { ChannelHandle, LiveHub } from "./hub";
import { eventArgs, type LiveQuery, type PreparedSubscription } from "./operation";
import { LiveStream } from "./stream";

/** Who a WebSocket connection acts as: its token (from connectionParams), verified. */
export interface LiveSession {
  token: string;
  user: AuthUser;
  actor: Actor;
}

/** Runs one query through the gateway's own executor as the session (the same path as an HTTP query). */
export type LiveExecutor = (query: LiveQuery, variables: Record<string, unknown>, session: LiveSession) => Promise<FormattedExecutionResult>;

export interface LiveLayerOptions {
  hub: LiveHub;
  /** REDIS_KEY_PREFIX: channels are `<prefix>live:<topic channel>`. */
  prefix: string;
  execute: LiveExecutor;
  /** Verifies a token as the HTTP path does (signature, expiry, revocation floor); throws UNAUTHENTICATED. */
  verify(token: string): Promise<AuthUser>;
  logger: Logger;
  /** Every connection's token is verified again this often (besides per event and at expiry); 0 turns it off. */
  tokenCheckMs?: number;
  /** Events queued for one subscription (a client not keeping up) before it is ended; state topics coalesce, so this bounds streams. */
  maxPending?: number;
}

/** Codes that end a subscription: the subscriber may not (or no longer) see the object, or it is gone. */
const TERMINAL_CODES = new Set<unknown>([ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND]);
/** WebSocket close code for a refused or recalled token (graphql-ws's Unauthorized: clients do not retry it). */
export const CLOSE_UNAUTHORIZED = 4401;

/** One Redis message on a channel, shared by that channel's subscribers: identical executions and token checks run once. */
class ChannelEvent {
  readonly executions = new Map<string, { token: string; result: Promise<FormattedExecutionResult> }>();
  readonly verifications = new Map<string, Promise<unknown>>();
  constructor(readonly event: LiveEvent) {}
}

interface Pending {
  channelEvent: ChannelEvent;
  variables: Record<string, unknown>;
  key: string;
  started: boolean;
}

/** One WebSocket connection: its session and subscriptions; closed when its token expires or is recalled. */
export class LiveConnection {
  readonly subscriptions = new Set<LiveSubscription>();
  private expiry?: NodeJS.Timeout;
  private closedWith?: { code: number; reason: string };

  constructor(
    readonly session: LiveSession,
    private readonly closeSocket: (code: number, reason: string) => void,
    expiresAtMs: number | undefined,
    onExpire: (connection: LiveConnection) => void,
  ) {
    if (expiresAtMs !== undefined) this.armExpiry(expiresAtMs, onExpire);
  }

  /**
   * Fires once the wall clock has reached the token's expiry. A timer runs on the monotonic clock and
   * may fire a millisecond before `Date.now()` reaches the deadline, when the token still verifies;
   * such an early wake-up waits again rather than leaving the connection open past its token.
   */
  private armExpiry(expiresAtMs: number, onExpire: (connection: LiveConnection) => void) {
    const wait = Math.min(Math.max(expiresAtMs - Date.now(), 0), 2 ** 31 - 1);
    this.expiry = setTimeout(() => {
      if (this.closed) return;
      if (Date.now() < expiresAtMs) this.armExpiry(expiresAtMs, onExpire);
      else onExpire(this);
    }, wait);
    this.expiry.unref();
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Ends every subscription at once (releasing their channels) and closes the socket. */
  close(code: number, reason: string): void {
    if (this.closedWith) return;
    this.closedWith = { code, reason };
    this.dispose();
    for (const subscription of [...this.subscriptions]) subscription.stop();
    this.closeSocket(code, reason);
  }

  /** The socket is gone: timers off (its subscriptions are returned by graphql-ws). */
  dispose(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = undefined;
    this.closedWith ??= { code: 1000, reason: "closed" };
    for (const subscription of [...this.subscriptions]) subscription.stop();
  }
}

/**
 * The gateway's subscription layer (ARCHITECTURE.md, "Subscriptions"): a subscription names a live
 * topic (kit live.ts); at subscribe time the topic's query runs once with the subscriber's token
 * (authorization; for state topics its answer is the first payload), then every event on the topic's
 * Redis channel runs the query again with the client's selection through the gateway's executor, so
 * authorization is checked per event and fields of any subgraph resolve. Per subscription, events are
 * delivered in order; an event whose query is identical to one still waiting to run is merged into it
 * (it would read the same state). Subscribers with the same (document, variables, user and permissions)
 * share one execution per event; on topics whose answers depend on permissions only (`sharedAcrossUsers`),
 * subscribers with the same permissions share it whoever they are (each token is still verified per event).
 */
export class LiveLayer {
  private readonly channels = new Map<string, { subscribers: Set<LiveSubscription>; handle: ChannelHandle }>();
  private readonly connections = new Set<LiveConnection>();
  private readonly tokenCheck?: NodeJS.Timeout;
  readonly maxPending: number;

  constructor(private readonly options: LiveLayerOptions) {
    this.maxPending = options.maxPending ?? 1_000;
    const every = options.tokenCheckMs ?? 10_000;
    if (every > 0) {
      this.tokenCheck = setInterval(() => void this.checkTokens(), every);
      this.tokenCheck.unref();
    }
  }

  get logger(): Logger {
    return this.options.logger;
  }

  /** Live subscriptions and Redis channels, for metrics and tests. */
  get stats() {
    let subscriptions = 0;
    for (const { subscribers } of this.channels.values()) subscriptions += subscribers.size;
    return { connections: this.connections.size, subscriptions, channels: this.channels.size };
  }

  /** Verifies the connection's token; throws UNAUTHENTICATED (the socket is then refused). */
  async connect(token: string, actor: Omit<Actor, "userId" | "username">, closeSocket: (code: number, reason: string) => void): Promise<LiveConnection> {
    const user = await this.options.verify(token);
    const connection = new LiveConnection({ token, user, actor: { ...actor, userId: user.id, username: user.username } }, closeSocket, tokenExpiryMs(token), (expired) =>
      void this.recheck(expired),
    );
    this.connections.add(connection);
    return connection;
  }

  disconnect(connection: LiveConnection): void {
    connection.dispose();
    this.connections.delete(connection);
  }

  /** Starts a prepared subscription for the connection; the stream ends when it is refused, ends or the client leaves. */
  subscribe(connection: LiveConnection, prepared: PreparedSubscription): LiveStream<ExecutionResult> {
    const subscription = new LiveSubscription(this, connection, prepared);
    void subscription.start();
    return subscription.stream;
  }

  /** Stops the token checks and every connection (at shutdown). */
  stop(): void {
    if (this.tokenCheck) clearInterval(this.tokenCheck);
    for (const connection of [...this.connections]) connection.close(1001, "Going away");
  }

  /** Adds the subscription to its channel; the first one subscribes the Redis channel. */
  join(subscription: LiveSubscription): Promise<void> {
    const channel = liveChannel(this.options.prefix, subscription.prepared.channel);
    let entry = this.channels.get(channel);
    if (!entry) {
      const subscribers = new Set<LiveSubscription>();
      const handle = this.options.hub.listen(channel, (message) => this.dispatch(channel, subscribers, message));
      entry = { subscribers, handle };
      this.channels.set(channel, entry);
    }
    entry.subscribers.add(subscription);
    return entry.handle.ready;
  }

  /** Removes the subscription from its channel; the last one unsubscribes the Redis channel. */
  leave(subscription: LiveSubscription): void {
    const channel = liveChannel(this.options.prefix, subscription.prepared.channel);
    const entry = this.channels.get(channel);
    if (!entry?.subscribers.delete(subscription) || entry.subscribers.size) return;
    this.channels.delete(channel);
    entry.handle.close();
  }

  /** Runs a query as the session; a failure becomes a masked error result (logged), never a rejection. */
  async run(query: LiveQuery, variables: Record<string, unknown>, session: LiveSession): Promise<FormattedExecutionResult> {
    try {
      return await this.options.execute(query, variables, session);
    } catch (error) {
      this.logger.error("live query failed", { error, operationName: query.operationName });
      return { errors: [{ message: "Internal error", extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] };
    }
  }

  /** The token is still good (expiry, revocation floor), checked once per event and token; else its connection is closed. */
  async verified(channelEvent: ChannelEvent, connection: LiveConnection): Promise<boolean> {
    const { token } = connection.session;
    let check = channelEvent.verifications.get(token);
    if (!check) {
      check = this.options.verify(token);
      check.catch(() => undefined);
      channelEvent.verifications.set(token, check);
    }
    try {
      await check;
      return true;
    } catch (error) {
      // A check that could not run (Redis slow or away) skips this event but keeps the connection, as
      // the periodic check does; a refused token closes it.
      if (isUnverifiable(error)) {
        this.logger.warn("live event skipped: token could not be verified", { userId: connection.session.user.id });
        return false;
      }
      this.refuse(connection, error);
      return false;
    }
  }

  private refuse(connection: LiveConnection, error: unknown) {
    const message = error instanceof GraphQLError && error.extensions.code === ErrorCode.UNAUTHENTICATED ? error.message : "Cannot verify access token right now";
    this.logger.info("live connection closed: token refused", { userId: connection.session.user.id, reason: message });
    connection.close(CLOSE_UNAUTHORIZED, message);
    this.connections.delete(connection);
  }

  private async recheck(connection: LiveConnection) {
    if (connection.closed) return;
    try {
      await this.options.verify(connection.session.token);
    } catch (error) {
      this.refuse(connection, error);
    }
  }

  /** Periodic: every open connection's token again (one check per distinct token). */
  async checkTokens(): Promise<void> {
    const byToken = new Map<string, LiveConnection[]>();
    for (const connection of this.connections) {
      if (connection.closed) continue;
      const list = byToken.get(connection.session.token) ?? [];
      list.push(connection);
      byToken.set(connection.session.token, list);
    }
    await Promise.all(
      [...byToken].map(async ([token, connections]) => {
        try {
          await this.options.verify(token);
        } catch (error) {
          // A verification that could not run (Redis away) closes nothing.
          if (isUnverifiable(error)) return;
          for (const connection of connections) this.refuse(connection, error);
        }
      }),
    );
  }

  private dispatch(channel: string, subscribers: Set<LiveSubscription>, message: string) {
    let event: LiveEvent;
    try {
      event = liveEventSchema.parse(JSON.parse(message));
    } catch {
      this.logger.warn("malformed live event dropped", { channel });
      return;
    }
    const channelEvent = new ChannelEvent(event);
    for (const subscription of subscribers) subscription.onEvent(channelEvent);
  }
}

/** The subscription's client-facing result for a query's answer, and whether the subscription ends with it. */
export function subscriptionPayload(
  result: FormattedExecutionResult,
  prepared: PreparedSubscription,
  atSubscribe: boolean,
): { payload: ExecutionResult; end: boolean } {
  const value = (result.data as Record<string, unknown> | null | undefined)?.[prepared.responseKey];
  const errors = (result.errors ?? []).map(toGraphQLError);
  if (value !== null && value !== undefined) return { payload: errors.length ? { data: result.data, errors } : { data: result.data }, end: false };
  if (!errors.length) {
    const args = Object.entries(prepared.initialQuery.args).map(([name, arg]) => `${name}: ${JSON.stringify(arg)}`);
    const field = atSubscribe && prepared.topic.authorize ? prepared.topic.authorize.field : prepared.topic.query.field;
    return { payload: { data: null, errors: [new GraphQLError(`Not found: ${field}(${args.join(", ")})`, { extensions: { code: ErrorCode.NOT_FOUND } })] }, end: true };
  }
  // Without the object there is nothing to follow: at subscribe time any error ends it; later, only
  // those saying the subscriber may no longer see it (a failed subgraph is reported and the stream goes on).
  const terminal = atSubscribe || errors.some((error) => TERMINAL_CODES.has(error.extensions.code));
  return { payload: { data: null, errors }, end: terminal };
}

function toGraphQLError(error: GraphQLFormattedError): GraphQLError {
  return new GraphQLError(error.message, { path: error.path, extensions: error.extensions });
}

/** The `exp` of a (verified) JWT in ms, if it has one. */
export function tokenExpiryMs(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { exp?: unknown };
    return typeof payload.exp === "number" ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The token could not be checked (revocation store unreachable or slow): not a refusal. */
const isUnverifiable = (error: unknown) => !(error instanceof GraphQLError) || error.message === "Cannot verify access token right now";

const isUnauthenticated = (result: FormattedExecutionResult) => result.errors?.some((error) => error.extensions?.code === ErrorCode.UNAUTHENTICATED) ?? false;

/** One client subscription: its queue of events, delivered in order through the gateway's executor. */
export class LiveSubscription {
  readonly stream: LiveStream<ExecutionResult>;
  private readonly pending: Pending[] = [];
  private readonly shareKey: string;
  private ready = false;
  private draining = false;

  constructor(
    private readonly layer: LiveLayer,
    private readonly connection: LiveConnection,
    readonly prepared: PreparedSubscription,
  ) {
    this.stream = new LiveStream(() => this.leave());
    const { user } = connection.session;
    const who = prepared.topic.sharedAcrossUsers ? "" : user.id;
    this.shareKey = `${prepared.eventQuery.text}\u0000${who}\u0000${[...user.permissions].sort().join(",")}\u0000`;
  }

  async start(): Promise<void> {
    if (this.connection.closed) return this.stream.end();
    this.connection.subscriptions.add(this);
    try {
      await this.layer.join(this);
    } catch (error) {
      this.layer.logger.error("live channel subscription failed", { channel: this.prepared.channel, error: (error as Error).message });
      return this.finish({ data: null, errors: [new GraphQLError("Live updates are unavailable right now; try again", { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } })] });
    }
    if (this.stream.closed) return;
    // Subscribed to the channel first, so no event after this answer is missed.
    const { query, args, send } = this.prepared.initialQuery;
    const result = await this.layer.run(query, query.variables(args), this.connection.session);
    if (this.stream.closed) return;
    const { payload, end } = subscriptionPayload(result, this.prepared, true);
    if (end) return this.finish(payload);
    if (send) this.stream.push(payload);
    this.ready = true;
    void this.drain();
  }

  onEvent(channelEvent: ChannelEvent): void {
    if (this.stream.closed) return;
    let args: LiveArgs | undefined;
    try {
      args = eventArgs(this.prepared, channelEvent.event);
    } catch (error) {
      this.layer.logger.warn("live event not understood by its topic", { field: this.prepared.field, error: (error as Error).message });
      return;
    }
    if (!args) return;
    const variables = this.prepared.eventQuery.variables(args);
    const key = `${this.shareKey}${JSON.stringify(variables)}`;
    const last = this.pending[this.pending.length - 1];
    if (last && !last.started && last.key === key) {
      // Not started yet, so it will read the state after this event too; it takes this event's shared execution.
      last.channelEvent = channelEvent;
      return;
    }
    if (this.pending.length >= this.layer.maxPending) {
      this.finish({ data: null, errors: [new GraphQLError("Too many undelivered events: the client is not keeping up", { extensions: { code: "TOO_MANY_REQUESTS" } })] });
      return;
    }
    this.pending.push({ channelEvent, variables, key, started: false });
    if (this.ready) void this.drain();
  }

  /** Ends at once (the connection closed): no more payloads. */
  stop(): void {
    void this.stream.return();
  }

  private finish(payload: ExecutionResult) {
    this.stream.push(payload);
    this.stream.end();
  }

  private leave() {
    this.pending.length = 0;
    this.connection.subscriptions.delete(this);
    this.layer.leave(this);
  }

  private async drain() {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length && !this.stream.closed) {
        const item = this.pending[0];
        item.started = true;
        await this.deliver(item);
        this.pending.shift();
      }
    } catch (error) {
      this.layer.logger.error("live delivery failed", { field: this.prepared.field, error });
      this.finish({ data: null, errors: [new GraphQLError("Internal error", { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } })] });
    } finally {
      this.draining = false;
    }
  }

  private async deliver(item: Pending) {
    const { session } = this.connection;
    const { executions } = item.channelEvent;
    let execution = executions.get(item.key);
    if (!execution) {
      execution = { token: session.token, result: this.layer.run(this.prepared.eventQuery, item.variables, session) };
      executions.set(item.key, execution);
    }
    const [allowed, shared] = await Promise.all([this.layer.verified(item.channelEvent, this.connection), execution.result]);
    if (!allowed || this.stream.closed) return;
    // Shared with another session of the same user that was refused meanwhile: answer with this one's token.
    const result = execution.token !== session.token && isUnauthenticated(shared) ? await this.layer.run(this.prepared.eventQuery, item.variables, session) : shared;
    if (this.stream.closed) return;
    const { payload, end } = subscriptionPayload(result, this.prepared, false);
    if (end) return this.finish(payload);
    this.stream.push(payload);
    // Backpressure: the next event runs once this payload is on its way to the client.
    await this.stream.whenTaken();
  }
}
