import * as amqp from "amqplib";
import { randomBytes } from "node:crypto";

export interface SeenMessage {
  routingKey: string;
  messageId?: string;
  deliveryMode?: number;
  contentType?: string;
  body: string;
}

/**
 * A side connection to RabbitMQ for assertions: an exclusive, auto-delete queue bound to the
 * test exchange records everything published there; markers prove the queue has caught up.
 * Services bind only the event types they consume, so the `test.marker` routing key reaches no one else.
 */
export class BrokerSpy {
  readonly seen: SeenMessage[] = [];
  private constructor(
    readonly connection: amqp.ChannelModel,
    readonly channel: amqp.Channel,
    readonly exchange: string,
  ) {}

  static async open(url: string, exchange: string): Promise<BrokerSpy> {
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    // Same arguments as the kit's assertTopology, so either side may declare it first.
    await channel.assertExchange(exchange, "topic", { durable: true });
    const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, exchange, "#");
    const spy = new BrokerSpy(connection, channel, exchange);
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        spy.seen.push({
          routingKey: message.fields.routingKey,
          messageId: message.properties.messageId as string | undefined,
          deliveryMode: message.properties.deliveryMode as number | undefined,
          contentType: message.properties.contentType as string | undefined,
          body: message.content.toString("utf8"),
        });
      },
      { noAck: true },
    );
    return spy;
  }

  /** Messages other than markers. */
  events(): SeenMessage[] {
    return this.seen.filter((message) => message.routingKey !== "test.marker");
  }

  clear(): void {
    this.seen.length = 0;
  }

  /**
   * Publishes a marker and waits for it: everything the broker confirmed before is then in `seen`,
   * so "nothing else arrived" can be asserted without sleeping.
   */
  async settle(timeoutMs = 5_000): Promise<void> {
    const id = `marker-${randomBytes(6).toString("hex")}`;
    this.channel.publish(this.exchange, "test.marker", Buffer.from("{}"), { messageId: id });
    const deadline = Date.now() + timeoutMs;
    while (!this.seen.some((message) => message.messageId === id)) {
      if (Date.now() > deadline) throw new Error("broker spy did not receive its marker");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Gets (and acks) every message currently in a queue. */
  async drainQueue(queue: string): Promise<amqp.GetMessage[]> {
    const messages: amqp.GetMessage[] = [];
    for (;;) {
      const message = await this.channel.get(queue);
      if (!message) return messages;
      this.channel.ack(message);
      messages.push(message);
    }
  }

  /** Closes the connection (its queue goes with it); deletes `queues` and, for a throwaway exchange, the exchange. */
  async close(cleanup: { queues?: string[]; deleteExchange?: boolean } = {}): Promise<void> {
    for (const queue of cleanup.queues ?? []) await this.channel.deleteQueue(queue).catch(() => undefined);
    if (cleanup.deleteExchange) await this.channel.deleteExchange(this.exchange).catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

export const uniqueSuffix = () => `${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
