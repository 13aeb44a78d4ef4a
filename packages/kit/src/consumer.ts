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
  /** Deliveries before a failing message goes to the dead-letter queue. */
  deliveryLimit?: number;
}

/**
 * Idempotent consumer: each event's effect and its row in `processed_events` are written in one
 * transaction, so a redelivered event (relay retry, broker redelivery) has no second effect.
 * Messages that keep failing, or cannot be parsed, end in `<queue>.dlq`.
 */
export class EventConsumer {
  private channel?: amqp.Channel;
  private consumerTag?: string;
  private inflight = new Set<Promise<void>>();
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly options: ConsumerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.setup();
    } catch (error) {
      this.options.logger.warn("event consumer could not start, retrying", { queue: this.options.queue, error: (error as Error).message });
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
    this.retryTimer = setTimeout(() => void this.start(), 1_000);
  }

  private async setup() {
    const { queue, exchange, handlers, prefetch = 10, deliveryLimit = 5 } = this.options;
    const model = await this.options.amqp.get();
    const channel = await model.createChannel();
    channel.on("error", () => undefined);
    channel.on("close", () => {
      if (this.channel === channel && !this.stopped) {
        this.channel = undefined;
        this.retryLater();
      }
    });
    await assertTopology(channel, exchange);
    const deadLetterQueue = `${queue}.dlq`;
    await channel.assertQueue(deadLetterQueue, { durable: true, arguments: { "x-queue-type": "quorum" } });
    await channel.bindQueue(deadLetterQueue, DEAD_LETTER_EXCHANGE, queue);
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        "x-queue-type": "quorum",
        "x-delivery-limit": deliveryLimit,
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": queue,
      },
    });
    for (const type of Object.keys(handlers)) await channel.bindQueue(queue, exchange, type);
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

  private async handle(channel: amqp.Channel, message: amqp.ConsumeMessage): Promise<void> {
    const { logger, queue } = this.options;
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
      logger.error("event handler failed", { queue, eventId: event.id, type: event.type, error });
      // Requeue: the quorum queue's delivery limit moves it to the DLQ after repeated failures.
      channel.nack(message, false, true);
    }
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
