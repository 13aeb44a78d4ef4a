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
  attempts: number;
}

export interface RelayOptions {
  db: SqlClient;
  amqp: AmqpConnection;
  exchange: string;
  logger: Logger;
  batchSize?: number;
  /** How often the outbox is polled for rows this process did not kick the relay for (default 250 ms). */
  intervalMs?: number;
  /** While polls find nothing, the interval doubles up to this (default 2 s). */
  idleMaxMs?: number;
  /** Back-off before an unroutable row is published again: min(max, base · 2^(returns − 1)). */
  unroutableBackoffMs?: { base: number; max: number };
  /** Longest wait between attempts while the broker (or the database) keeps failing. */
  maxFailureBackoffMs?: number;
  /** Test seam: called after a batch is confirmed by the broker and before it is marked published. */
  afterPublish?: (ids: string[]) => Promise<void> | void;
}

/** What one pass over the outbox did. */
export interface RelayBatch {
  /** Rows claimed (due and not locked by another relay). */
  claimed: number;
  /** Rows the broker confirmed and that were marked published. */
  published: number;
  /** Rows the broker returned as unroutable: kept pending, retried after a back-off. */
  returned: number;
}

/** Outbox rows the relay should publish now: not published yet, and not waiting out an unroutable back-off. */
const DUE = "published_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())";

/**
 * Publishes outbox rows to RabbitMQ with publisher confirms, persistent messages and the mandatory
 * flag, then marks them published. Rows are claimed with FOR UPDATE SKIP LOCKED so several replicas
 * can relay. A crash between confirm and mark republishes the batch: consumers dedupe by message id.
 *
 * Unroutable events (no queue bound for the type: the broker returns them before confirming) are not
 * marked: they stay pending with a growing `next_attempt_at`, are logged once per return, and go out
 * when a queue is bound (the audit service binds `#`, so in a stack with audit every event routes).
 * A broker that goes away fails the batch (its confirms are rejected, nothing is marked); the relay
 * retries with back-off on a fresh connection and resumes by itself when the broker is back.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running = false;
  private current?: Promise<void>;
  private channel?: amqp.ConfirmChannel;
  private pendingKick = false;
  private failures = 0;
  /** Polls in a row that found nothing due. */
  private idlePolls = 0;
  /** Message ids the broker returned (basic.return arrives before the confirm of the same message). */
  private returned = new Set<string>();

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
    // While failing, keep the back-off: a kick per request would turn an outage into a hot loop.
    if (this.failures > 0) return;
    this.schedule(0);
  }

  /** Publishes everything due now; returns how many events were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.publishBatch();
      total += batch.published;
      if (batch.claimed < (this.options.batchSize ?? 100)) return total;
    }
  }

  private schedule(delay: number, poll = false) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(poll), delay);
  }

  private async tick(poll = false) {
    if (!this.running || this.current) return;
    let again = false;
    let idle = false;
    this.current = (async () => {
      try {
        // A timer's poll first asks, in one statement outside a transaction, whether anything is due: an
        // idle service (most of them, most of the time) then costs one cheap query per interval, not a
        // transaction. Kicks, follow-up batches and retries after a failure go straight to the batch.
        if (poll && this.failures === 0 && !(await this.anythingDue())) {
          idle = true;
          return;
        }
        again = (await this.publishBatch()).claimed >= (this.options.batchSize ?? 100);
        if (this.failures > 0) this.options.logger.info("outbox relay resumed", { failedAttempts: this.failures });
        this.failures = 0;
      } catch (error) {
        // Close the old channel, or each failed batch would leak one on the shared connection.
        const channel = this.channel;
        this.channel = undefined;
        void channel?.close().catch(() => undefined);
        this.failures += 1;
        // One line when the trouble starts, then one per ten attempts (the back-off bounds the rate).
        if (this.failures === 1 || this.failures % 10 === 0) {
          this.options.logger.warn("outbox relay failed, will retry", { error: (error as Error).message, attempts: this.failures });
        }
      }
    })();
    await this.current;
    this.current = undefined;
    if (!this.running) return;
    const kicked = this.pendingKick;
    this.pendingKick = false;
    const interval = this.options.intervalMs ?? 250;
    if (this.failures > 0) this.schedule(Math.min(this.options.maxFailureBackoffMs ?? 5_000, interval * 2 ** Math.min(this.failures - 1, 10)));
    else if (again || kicked) this.schedule(0);
    else {
      // Polls that keep finding nothing come less often (up to idleMaxMs): this process's own writes
      // kick the relay anyway; polling is for rows written elsewhere (another replica's crash, a script).
      this.idlePolls = idle ? this.idlePolls + 1 : 0;
      this.schedule(Math.min(interval * 2 ** Math.min(this.idlePolls, 10), Math.max(interval, this.options.idleMaxMs ?? 2_000)), true);
    }
  }

  private async anythingDue(): Promise<boolean> {
    const [row] = await this.options.db.$queryRawUnsafe<Array<{ due: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM outbox_events WHERE ${DUE}) AS due`,
    );
    return row?.due === true;
  }

  private async confirmChannel(): Promise<amqp.ConfirmChannel> {
    if (this.channel) return this.channel;
    const model = await this.options.amqp.get();
    const channel = await model.createConfirmChannel();
    channel.on("error", () => undefined);
    channel.on("close", () => {
      if (this.channel === channel) this.channel = undefined;
    });
    channel.on("return", (message: amqp.Message) => {
      const id = message.properties.messageId as string | undefined;
      if (id) this.returned.add(id);
    });
    await assertTopology(channel, this.options.exchange);
    this.channel = channel;
    return channel;
  }

  private async publishBatch(): Promise<RelayBatch> {
    const { db, exchange, batchSize = 100, logger } = this.options;
    const { base, max } = this.options.unroutableBackoffMs ?? { base: 1_000, max: 60_000 };
    return db.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
        `SELECT seq, id::text AS id, type, payload, attempts FROM outbox_events
          WHERE ${DUE} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        batchSize,
      );
      if (rows.length === 0) return { claimed: 0, published: 0, returned: 0 };
      const channel = await this.confirmChannel();
      for (const row of rows) this.returned.delete(row.id);
      for (const row of rows) {
        const envelope = row.payload as EventEnvelope;
        channel.publish(exchange, row.type, Buffer.from(JSON.stringify(envelope)), {
          persistent: true,
          mandatory: true,
          messageId: row.id,
          type: row.type,
          contentType: "application/json",
          timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
        });
      }
      await channel.waitForConfirms();
      const returned = rows.filter((row) => this.returned.has(row.id));
      const delivered = rows.filter((row) => !this.returned.has(row.id));
      for (const row of rows) this.returned.delete(row.id);
      await this.options.afterPublish?.(delivered.map((row) => row.id));
      if (delivered.length) {
        await tx.$executeRawUnsafe(
          "UPDATE outbox_events SET published_at = now(), last_error = NULL WHERE seq = ANY($1::bigint[])",
          delivered.map((row) => row.seq.toString()),
        );
      }
      for (const row of returned) {
        const attempts = Number(row.attempts) + 1;
        const retryInMs = Math.min(max, base * 2 ** Math.min(attempts - 1, 20));
        await tx.$executeRawUnsafe(
          `UPDATE outbox_events SET attempts = $2, next_attempt_at = now() + ($3::int * interval '1 millisecond'),
                  last_error = 'unroutable: no queue bound for this event type' WHERE seq = $1::bigint`,
          row.seq.toString(),
          attempts,
          retryInMs,
        );
        logger.warn("event unroutable, kept in the outbox", { eventId: row.id, type: row.type, exchange, attempts, retryInMs });
      }
      return { claimed: rows.length, published: delivered.length, returned: returned.length };
    });
  }
}
