import { z } from "zod";

/**
 * Live events for GraphQL subscriptions (see ARCHITECTURE.md, "Subscriptions"). The owning service
 * publishes a small event — `__typename`, `id` and whatever a topic's filter needs — on a Redis channel
 * after the change commits; the gateway's subscription layer receives it and resolves the subscriber's
 * whole selection through the gateway's own executor with the subscriber's token, by running the
 * topic's `query` field. So a subscription answers exactly what the same query would, authorization
 * included, and fields from other subgraphs inside an event resolve like in any query.
 *
 * One registry, read by both sides. A topic takes three steps:
 * 1. the owner declares the field: `@Subscription(() => Run, { subscribe: servedByGateway })
 *    runUpdated(@Arg("runId", () => ID) _runId: string): Run { return servedByGateway(); }`;
 * 2. it is listed in `liveTopics` below (channel, the query field run per event, `current` or `authorize`);
 * 3. after each committed change the owner calls `publishLive(redis, env.REDIS_KEY_PREFIX,
 *    liveTopics.runUpdated.channel({ runId }), { __typename: "Run", id: runId })`.
 */
export const liveEventSchema = z
  .object({ __typename: z.string().min(1), id: z.string().min(1) })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type LiveEvent = z.infer<typeof liveEventSchema>;

/** Query arguments, as JSON values (coerced by the gateway against the query field's argument types). */
export type LiveArgs = Record<string, unknown>;

interface LiveTopicBase<A> {
  /** The subgraph that declares the field and publishes its events. */
  owner: string;
  /** The Redis channel (without the key prefix and `live:`) events for these arguments go to. */
  channel(args: A): string;
  /**
   * The query field the gateway runs per event with the subscriber's token and selection, and its
   * arguments; its type is the subscription field's type (nullable: a null answer ends the subscription
   * with NOT_FOUND, an error such as FORBIDDEN ends it with that error).
   */
  query: { field: string; args(args: A, event: LiveEvent): LiveArgs };
  /** Whether an event on the channel concerns this subscriber (e.g. one target's output of a run); default yes. */
  accepts?(args: A, event: LiveEvent): boolean;
  /**
   * The topic's query answers depend on the caller's permissions only, never on who the caller is (no
   * "my …" field, no per-user filtering anywhere its type leads): subscribers with the same permissions
   * then share one execution per event whoever they are. Default false: one execution per user.
   */
  sharedAcrossUsers?: boolean;
}

/**
 * What the gateway runs once when a client subscribes (before any event, with the subscriber's token);
 * an error or a null answer ends the subscription at once with that error.
 * - `current` (state topics: the query does not need an event): the topic's query with these arguments
 *   and the client's selection; its answer is the subscription's first payload, so a client misses no
 *   change between subscribing and the first event.
 * - `authorize` (stream topics, whose query needs an event): that query field with only `__typename`
 *   selected; authorization only, nothing is sent.
 */
export type LiveTopic<A extends Record<string, unknown> = Record<string, unknown>> = LiveTopicBase<A> &
  ({ current(args: A): LiveArgs; authorize?: never } | { authorize: { field: string; args(args: A): LiveArgs }; current?: never });

/** Identity with types, for `liveTopics` entries. */
export const topic = <A extends Record<string, unknown>>(definition: LiveTopic<A>): LiveTopic<A> => definition;

/** Every subscription field of the supergraph. The field name is the key. */
export const liveTopics = {
  runUpdated: topic<{ runId: string }>({
    owner: "executions",
    channel: ({ runId }) => `executions.run.${runId}`,
    query: { field: "run", args: ({ runId }) => ({ id: runId }) },
    current: ({ runId }) => ({ id: runId }),
    sharedAcrossUsers: true,
  }),
  runOutput: topic<{ runId: string; targetId?: string | null }>({
    owner: "executions",
    channel: ({ runId }) => `executions.run-output.${runId}`,
    query: { field: "runOutputChunk", args: (_args, event) => ({ id: event.id }) },
    accepts: (args, event) => !args.targetId || event.targetId === args.targetId,
    authorize: { field: "run", args: ({ runId }) => ({ id: runId }) },
    sharedAcrossUsers: true,
  }),
  connectionTestBatchUpdated: topic<{ batchId: string }>({
    owner: "targets",
    channel: ({ batchId }) => `targets.connection-test-batch.${batchId}`,
    query: { field: "connectionTestBatch", args: ({ batchId }) => ({ id: batchId }) },
    current: ({ batchId }) => ({ id: batchId }),
    sharedAcrossUsers: true,
  }),
  notificationAdded: topic<{ userId: string }>({
    owner: "notifications",
    channel: ({ userId }) => `notifications.user.${userId.toLowerCase()}`,
    query: { field: "notification", args: (_args, event) => ({ id: event.id }) },
    // The inbox answers only its owner (FORBIDDEN otherwise), so nobody follows another user's inbox.
    authorize: { field: "notificationInbox", args: ({ userId }) => ({ userId }) },
  }),
  scanUpdated: topic<{ scanId: string }>({
    owner: "discovery",
    channel: ({ scanId }) => `discovery.scan.${scanId}`,
    query: { field: "scan", args: ({ scanId }) => ({ id: scanId }) },
    current: ({ scanId }) => ({ id: scanId }),
  }),
} satisfies Record<string, LiveTopic<never>>;
export type LiveField = keyof typeof liveTopics;

/** The topic of a subscription field, if the field is one (a lookup that ignores inherited keys). */
export function liveTopic(field: string): LiveTopic | undefined {
  return Object.hasOwn(liveTopics, field) ? (liveTopics[field as LiveField] as unknown as LiveTopic) : undefined;
}

/** The full Redis channel name of a topic channel under a key prefix. */
export const liveChannel = (prefix: string, channel: string) => `${prefix}live:${channel}`;

/** What publishLive needs of a Redis client (ioredis satisfies it). */
export interface LivePublisher {
  publish(channel: string, message: string): Promise<unknown>;
}

/** Publishes one live event; call it after the change it announces has committed. */
export async function publishLive(redis: LivePublisher, prefix: string, channel: string, event: LiveEvent): Promise<void> {
  await redis.publish(liveChannel(prefix, channel), JSON.stringify(liveEventSchema.parse(event)));
}
