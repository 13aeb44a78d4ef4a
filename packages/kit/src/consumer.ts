import type * as amqp from "amqplib";
import { assertTopology, DEAD_LETTER_EXCHANGE, type AmqpConnection } from "./amqp";
import { parseEnvelope, type EventEnvelope, type EventType } from "./events";
import type { SqlClient, SqlTx } from "./outbox";
import type { Logger } from "./logger";

export type EventHandler<T extends EventType = EventType> = (event: EventEnvelope<T>, tx: SqlTx) => Promise<void>;
export type EventHandlers = { [T in EventType]?: EventHandler<T> };

export interface ConsumerOptions {
  db: SqlClient;
  amqp: AmqpConnection;
  exchange: string;
  /** Durable quorum queue name, e.g. `opsconductor.events.users`. */
  queue: string;
  handlers: EventHandlers;
  logger: Logger;
  prefetch?: number;
  /**
   * Attempts (deliveries) before a failing message goes to the dead-letter queue. Also the quorum
   * queue's `x-delivery-limit`, the backstop for a message that crashes the process before it is settled.
   */
  deliveryLimit?: number;
  /**
   * Waits before the 2nd, 3rd, … attempt of a message whose handler failed (the last one repeats).
   * Each delay is a durable retry queue `<queue>.retry.<ms>ms` whose messages expire back into the queue.
   */
  retryDelaysMs?: number[];
  /** Routing keys bound to the queue; defaults to the handled event types (the audit trail binds `#`). */
  bindings?: string[];
}

export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000];
/** Header carrying a message's attempt number across retry queues (the broker's count restarts per copy). */
export const ATTEMPT_HEADER = "x-opsc-attempt";

/** Arguments of a consumer's main queue: quorum, delivery limit, dead-lettering to `<queue>.dlq`. */
export const eventQueueArguments = (queue: string, deliveryLimit: number) => ({
  "x-queue-type": "quorum",
  "x-delivery-limit": deliveryLimit,
  "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
  "x-dead-letter-routing-key": queue,
});

export const retryQueueName = (queue: string, delayMs: number) => `${queue}.retry.${delayMs}ms`;

/**
 * Declares a consumer's queues: the main quorum queue (bound to `bindings` on the exchange), its
 * dead-letter queue, and one retry queue per delay. A retry queue has no consumer: its messages wait
 * `delayMs` (x-message-ttl) and are dead-lettered through the default exchange back into the main
 * queue, at-least-once (quorum dead-lettering with reject-publish), so a broker restart loses none.
 */
export async function declareEventQueues(
  channel: amqp.Channel,
  options: { exchange: string; queue: string; bindings: string[]; deliveryLimit?: number; retryDelaysMs?: number[] },
): Promise<void> {
  const { exchange, queue, bindings, deliveryLimit = 5, retryDelaysMs = DEFAULT_RETRY_DELAYS_MS } = options;
  await assertTopology(channel, exchange);
  const deadLetterQueue = `${queue}.dlq`;
  await channel.assertQueue(deadLetterQueue, { durable: true, arguments: { "x-queue-type": "quorum" } });
  await channel.bindQueue(deadLetterQueue, DEAD_LETTER_EXCHANGE, queue);
  await channel.assertQueue(queue, { durable: true, arguments: eventQueueArguments(queue, deliveryLimit) });
  for (const delayMs of new Set(retryDelaysMs)) {
    await channel.assertQueue(retryQueueName(queue, delayMs), {
      durable: true,
      arguments: {
        "x-queue-type": "quorum",
        "x-message-ttl": delayMs,
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": queue,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
      },
    });
  }
  for (const key of bindings) await channel.bindQueue(queue, exchange, key);
}

/**
 * Idempotent consumer: each event's effect and its row in `processed_events` are written in one
 * transaction, so a redelivered event (relay retry, broker redelivery) has no second effect.
 * A failing handler is retried with back-off (through the retry queues) up to `deliveryLimit`
 * attempts; messages that keep failing, or cannot be parsed, end in `<queue>.dlq`.
 */
export class EventConsumer {
  private channel?: amqp.ConfirmChannel;
  private consumerTag?: string;
  private inflight = new Set<Promise<void>>();
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  private startFailures = 0;

  constructor(private readonly options: ConsumerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.setup();
      if (this.startFailures > 0) this.options.logger.info("event consumer resumed", { queue: this.options.queue });
      this.startFailures = 0;
    } catch (error) {
      this.startFailures += 1;
      // One line when the trouble starts, then one per ten attempts: a broker outage must not flood the log.
      if (this.startFailures === 1 || this.startFailures % 10 === 0) {
        this.options.logger.warn("event consumer could not start, retrying", { queue: this.options.queue, error: (error as Error).message, attempts: this.startFailures });
      }
      this.retryLater();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const channel = this.channel;
    this.channel = undefined;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    await Promise.allSettled([...this.inflight]);
    await channel?.close().catch(() => undefined);
  }

  private retryLater() {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.start(), Math.min(5_000, 500 * 2 ** Math.min(this.startFailures, 4)));
  }

  private async setup() {
    const { queue, exchange, handlers, prefetch = 10, deliveryLimit = 5, retryDelaysMs, bindings } = this.options;
    const model = await this.options.amqp.get();
    // A confirm channel: a retry copy is acknowledged by the broker before the original is acked.
    const channel = await model.createConfirmChannel();
    channel.on("error", () => undefined);
    channel.on("close", () => {
      if (this.channel === channel && !this.stopped) {
        this.channel = undefined;
        this.retryLater();
      }
    });
    await declareEventQueues(channel, { exchange, queue, bindings: bindings ?? Object.keys(handlers), deliveryLimit, retryDelaysMs });
    await channel.prefetch(prefetch);
    const reply = await channel.consume(queue, (message) => {
      if (!message) return;
      // ack/nack throw once the channel has closed (broker restart mid-handler); unhandled, that would
      // kill the process. The message is unacked, so the broker redelivers it and the dedupe absorbs it.
      const work = this.handle(channel, message)
        .catch((error: unknown) => {
          this.options.logger.warn("could not settle message; the broker will redeliver it", { queue, error: (error as Error).message });
        })
        .finally(() => this.inflight.delete(work));
      this.inflight.add(work);
    });
    this.channel = channel;
    this.consumerTag = reply.consumerTag;
  }

  private async handle(channel: amqp.ConfirmChannel, message: amqp.ConsumeMessage): Promise<void> {
    const { logger, queue, deliveryLimit = 5, retryDelaysMs = DEFAULT_RETRY_DELAYS_MS } = this.options;
    let event: EventEnvelope;
    try {
      event = parseEnvelope(JSON.parse(message.content.toString("utf8")));
    } catch (error) {
      logger.error("unparseable event, dead-lettering", { queue, error: (error as Error).message });
      channel.nack(message, false, false);
      return;
    }
    try {
      const applied = await this.process(event);
      logger.debug(applied ? "event processed" : "duplicate event skipped", { queue, eventId: event.id, type: event.type });
      channel.ack(message);
    } catch (error) {
      const attempt = Number(message.properties.headers?.[ATTEMPT_HEADER] ?? 1) || 1;
      if (attempt >= deliveryLimit) {
        logger.error("event handler failed, dead-lettering", { queue, eventId: event.id, type: event.type, attempt, error });
        channel.nack(message, false, false);
        return;
      }
      const delayMs = retryDelaysMs[Math.min(attempt - 1, retryDelaysMs.length - 1)] ?? DEFAULT_RETRY_DELAYS_MS[0]!;
      logger.error("event handler failed", { queue, eventId: event.id, type: event.type, attempt, retryInMs: delayMs, error });
      try {
        await this.publishRetry(channel, message, retryQueueName(queue, delayMs), attempt + 1);
        channel.ack(message);
      } catch {
        // The copy was not confirmed: requeue the original (the delivery limit still bounds it).
        channel.nack(message, false, true);
      }
    }
  }

  private publishRetry(channel: amqp.ConfirmChannel, message: amqp.ConsumeMessage, retryQueue: string, attempt: number): Promise<void> {
    const { headers, ...properties } = message.properties;
    const { "x-death": _death, "x-delivery-count": _count, ...kept } = (headers ?? {}) as Record<string, unknown>;
    return new Promise<void>((resolve, reject) => {
      channel.sendToQueue(
        retryQueue,
        message.content,
        {
          messageId: properties.messageId as string | undefined,
          type: properties.type as string | undefined,
          contentType: properties.contentType as string | undefined,
          timestamp: properties.timestamp as number | undefined,
          persistent: true,
          headers: { ...kept, [ATTEMPT_HEADER]: attempt, "x-opsc-routing-key": message.fields.routingKey },
        },
        (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
      );
    });
  }

  /** Applies an event once; returns false when it had already been processed. */
  async process(event: EventEnvelope): Promise<boolean> {
    const handler = this.options.handlers[event.type] as EventHandler | undefined;
    if (!handler) return false;
    return this.options.db.$transaction(async (tx) => {
      const inserted = await tx.$executeRawUnsafe(
        "INSERT INTO processed_events (id, type) VALUES ($1::uuid, $2) ON CONFLICT (id) DO NOTHING",
        event.id,
        event.type,
      );
      if (inserted === 0) return false;
      await handler(event, tx);
      return true;
    });
  }
}
