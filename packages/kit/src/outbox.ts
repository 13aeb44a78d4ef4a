import type * as amqp from "amqplib";
import { assertTopology, type AmqpConnection } from "./amqp";
import { createEnvelope, type EventData, type EventEnvelope, type EventType } from "./events";
import type { Actor } from "./context";
import type { Logger } from "./logger";

/** The part of a Prisma (transaction) client the outbox needs; every service schema has an `outbox_events` table. */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}
export interface SqlTx extends SqlExecutor {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}
export interface SqlClient extends SqlTx {
  $transaction<R>(fn: (tx: SqlTx) => Promise<R>): Promise<R>;
}

/**
 * Writes a domain event into the outbox inside the caller's transaction, so the event exists
 * if and only if the change it describes was committed.
 */
export async function emitEvent<T extends EventType>(
  tx: SqlExecutor,
  type: T,
  input: { actor: Actor; subject: { type: string; id: string }; data: EventData<T> },
): Promise<EventEnvelope<T>> {
  const envelope = createEnvelope(type, input);
  await tx.$executeRawUnsafe(
    "INSERT INTO outbox_events (id, type, payload) VALUES ($1::uuid, $2, $3::jsonb)",
    envelope.id,
    envelope.type,
    JSON.stringify(envelope),
  );
  return envelope;
}

interface OutboxRow {
  seq: bigint;
  id: string;
  type: string;
  payload: unknown;
}

export interface RelayOptions {
  db: SqlClient;
  amqp: AmqpConnection;
  exchange: string;
  logger: Logger;
  batchSize?: number;
  intervalMs?: number;
  /** Test seam: called after a batch is confirmed by the broker and before it is marked published. */
  afterPublish?: (ids: string[]) => Promise<void> | void;
}

/**
 * Publishes outbox rows to RabbitMQ with publisher confirms and persistent messages, then marks
 * them published. Rows are claimed with FOR UPDATE SKIP LOCKED so several replicas can relay.
 * A crash between confirm and mark republishes the batch: consumers dedupe by message id.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running = false;
  private current?: Promise<void>;
  private channel?: amqp.ConfirmChannel;
  private pendingKick = false;

  constructor(private readonly options: RelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops after the batch in flight is published and marked. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
    await this.channel?.close().catch(() => undefined);
    this.channel = undefined;
  }

  /** Publish soon (after a local write) instead of waiting for the next poll. */
  kick(): void {
    if (!this.running) return;
    if (this.current) {
      this.pendingKick = true;
      return;
    }
    this.schedule(0);
  }

  /** Publishes everything pending now; returns how many events were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < (this.options.batchSize ?? 100)) return total;
    }
  }

  private schedule(delay: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick() {
    if (!this.running || this.current) return;
    let again = false;
    this.current = (async () => {
      try {
        again = (await this.publishBatch()) >= (this.options.batchSize ?? 100);
      } catch (error) {
        // Close the old channel, or each failed batch would leak one on the shared connection.
        const channel = this.channel;
        this.channel = undefined;
        void channel?.close().catch(() => undefined);
        this.options.logger.warn("outbox relay failed, will retry", { error: (error as Error).message });
      }
    })();
    await this.current;
    this.current = undefined;
    if (!this.running) return;
    const kicked = this.pendingKick;
    this.pendingKick = false;
    this.schedule(again || kicked ? 0 : (this.options.intervalMs ?? 250));
  }

  private async confirmChannel(): Promise<amqp.ConfirmChannel> {
    if (this.channel) return this.channel;
    const model = await this.options.amqp.get();
    const channel = await model.createConfirmChannel();
    channel.on("error", () => undefined);
    channel.on("close", () => {
      if (this.channel === channel) this.channel = undefined;
    });
    await assertTopology(channel, this.options.exchange);
    this.channel = channel;
    return channel;
  }

  private async publishBatch(): Promise<number> {
    const { db, exchange, batchSize = 100 } = this.options;
    return db.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
        "SELECT seq, id::text AS id, type, payload FROM outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
        batchSize,
      );
      if (rows.length === 0) return 0;
      const channel = await this.confirmChannel();
      for (const row of rows) {
        const envelope = row.payload as EventEnvelope;
        channel.publish(exchange, row.type, Buffer.from(JSON.stringify(envelope)), {
          persistent: true,
          messageId: row.id,
          type: row.type,
          contentType: "application/json",
          timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
        });
      }
      await channel.waitForConfirms();
      await this.options.afterPublish?.(rows.map((row) => row.id));
      await tx.$executeRawUnsafe(
        "UPDATE outbox_events SET published_at = now() WHERE seq = ANY($1::bigint[])",
        rows.map((row) => row.seq.toString()),
      );
      return rows.length;
    });
  }
}
