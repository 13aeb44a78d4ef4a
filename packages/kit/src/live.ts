import { z } from "zod";

/**
 * Live events for GraphQL subscriptions (see ARCHITECTURE.md, "Subscriptions"). The owning service
 * publishes a small event — `__typename`, `id` and whatever a topic's filter needs — on a Redis channel
 * after the change commits; the gateway's subscription layer receives it and resolves the subscriber's
 * whole selection through the gateway's own executor with the subscriber's token, by running the
 * topic's `query` field. So a subscription answers exactly what the same query would, authorization
 * included, and fields from other subgraphs inside an event resolve like in any query.
 *
 * One registry, read by both sides: a subscription field is declared in the owner's schema (a
 * `@Subscription` whose subscribe is `servedByGateway`), listed here, and published with `publishLive`.
 */
export const liveEventSchema = z
  .object({ __typename: z.string().min(1), id: z.string().min(1) })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type LiveEvent = z.infer<typeof liveEventSchema>;

export interface LiveTopic<A extends Record<string, unknown> = Record<string, unknown>> {
  /** The subgraph that declares the field and publishes its events. */
  owner: string;
  /** The Redis channel (without the key prefix and `live:`) events for these arguments go to. */
  channel(args: A): string;
  /** The query field the gateway runs per event, and its arguments; its type is the subscription field's type. */
  query: { field: string; args(args: A, event: LiveEvent): Record<string, unknown> };
  /** Whether an event on the channel concerns this subscriber (e.g. one target's output of a run); default yes. */
  accepts?(args: A, event: LiveEvent): boolean;
}

const topic = <A extends Record<string, unknown>>(definition: LiveTopic<A>): LiveTopic<A> => definition;

/** Every subscription field of the supergraph. The field name is the key. */
export const liveTopics = {
  runUpdated: topic<{ runId: string }>({
    owner: "executions",
    channel: ({ runId }) => `executions.run.${runId}`,
    query: { field: "run", args: ({ runId }) => ({ id: runId }) },
  }),
  runOutput: topic<{ runId: string; targetId?: string | null }>({
    owner: "executions",
    channel: ({ runId }) => `executions.run-output.${runId}`,
    query: { field: "runOutputChunk", args: (_args, event) => ({ id: event.id }) },
    accepts: (args, event) => !args.targetId || event.targetId === args.targetId,
  }),
} satisfies Record<string, LiveTopic<never>>;
export type LiveField = keyof typeof liveTopics;

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
