import * as amqp from "amqplib";
import type { Logger } from "./logger";

export const DEAD_LETTER_EXCHANGE = "opsconductor.dlx";

/**
 * One AMQP connection per process, reopened on demand after the broker goes away.
 * Callers ask for it each time they need it instead of caching channels across failures.
 */
export class AmqpConnection {
  private model?: amqp.ChannelModel;
  private connecting?: Promise<amqp.ChannelModel>;
  private closed = false;

  constructor(private readonly url: string, private readonly logger: Logger, private readonly name = "opsconductor") {}

  async get(): Promise<amqp.ChannelModel> {
    if (this.closed) throw new Error("AMQP connection closed");
    if (this.model) return this.model;
    this.connecting ??= amqp
      .connect(this.url, { clientProperties: { connection_name: this.name } })
      .then((model) => {
        model.on("error", (error: Error) => this.logger.warn("amqp connection error", { error: error.message }));
        model.on("close", () => {
          if (this.model === model) this.model = undefined;
        });
        this.model = model;
        return model;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  /** Readiness: opens (or reuses) the connection. */
  async check(): Promise<void> {
    await this.get();
  }

  async close(): Promise<void> {
    this.closed = true;
    const model = this.model;
    this.model = undefined;
    await model?.close().catch(() => undefined);
  }
}

/** Declares the topic exchange events go to, and the dead-letter exchange. */
export async function assertTopology(channel: amqp.Channel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, "topic", { durable: true });
  await channel.assertExchange(DEAD_LETTER_EXCHANGE, "topic", { durable: true });
}
