import type { Logger } from "@opsconductor/kit/gateway";

/** What the hub needs of a Redis connection in subscriber mode (ioredis satisfies it). */
export interface RedisSubscriber {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: "message", listener: (channel: string, message: string) => void): unknown;
}

export interface ChannelHandle {
  /** Settles once Redis confirmed the channel subscription (rejects when it could not subscribe). */
  ready: Promise<void>;
  /** Stops this listener; the last one to leave a channel unsubscribes it in Redis. */
  close(): void;
}

interface Channel {
  listeners: Set<(message: string) => void>;
  ready?: Promise<void>;
}

/**
 * One Redis subscriber connection per gateway process, fanned out in memory: a channel is
 * SUBSCRIBEd when its first listener arrives and UNSUBSCRIBEd when its last one leaves. Commands go
 * over one connection in order, so a leave followed by a new arrival ends subscribed.
 */
export class LiveHub {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly redis: RedisSubscriber,
    private readonly logger: Logger,
  ) {
    redis.on("message", (channel, message) => {
      const listeners = this.channels.get(channel)?.listeners;
      if (!listeners) return;
      for (const listener of [...listeners]) {
        try {
          listener(message);
        } catch (error) {
          this.logger.error("live listener failed", { channel, error });
        }
      }
    });
  }

  /** Redis channels this process is subscribed to (or subscribing). */
  get channelCount(): number {
    return this.channels.size;
  }

  listen(channel: string, listener: (message: string) => void): ChannelHandle {
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { listeners: new Set() };
      this.channels.set(channel, entry);
    }
    entry.listeners.add(listener);
    const current = entry;
    if (!current.ready) {
      const ready = this.redis.subscribe(channel).then(
        () => undefined,
        (error: unknown) => {
          // The next listener tries again.
          if (current.ready === ready) current.ready = undefined;
          throw error;
        },
      );
      current.ready = ready;
      ready.catch(() => undefined);
    }
    let closed = false;
    return {
      ready: current.ready,
      close: () => {
        if (closed) return;
        closed = true;
        current.listeners.delete(listener);
        if (current.listeners.size || this.channels.get(channel) !== current) return;
        this.channels.delete(channel);
        this.redis.unsubscribe(channel).catch((error: unknown) => this.logger.warn("redis unsubscribe failed", { channel, error: (error as Error).message }));
      },
    };
  }
}
