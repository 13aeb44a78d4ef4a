import { Redis } from "ioredis";
import type { Logger } from "./logger";

/**
 * Access tokens cannot be recalled once issued, so a user's tokens get a "not before" floor in
 * Redis: tokens issued (iat) before it are refused. Auth raises the floor when a user is
 * deactivated or deleted, changes password or logs out everywhere; the gateway checks it on every
 * request. One session (the `sid` claim: a refresh-token family) is recalled by a marker instead,
 * when it logs out or its refresh token is replayed. Keys expire with the longest access-token
 * lifetime, after which no older token is valid.
 */
export class TokenRevocations {
  private mirror: RevocationMirror | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 15 * 60 + 60,
  ) {}

  private key(userId: string) {
    return `${this.prefix}auth:tokens-not-before:${userId}`;
  }

  private sessionKey(sessionId: string) {
    return `${this.prefix}auth:session-revoked:${sessionId}`;
  }

  /** The pub/sub channel every revocation is announced on (see mirrorWith). */
  get channel(): string {
    return `${this.prefix}auth:revocations`;
  }

  /** Refuses every token of the user issued before this moment (auth's iat carries milliseconds). */
  async revokeIssuedBefore(userId: string, at = new Date()): Promise<void> {
    await this.record("user", userId, at);
  }

  /** Refuses every access token of the session, whenever issued (a refresh racing the revocation included). */
  async revokeSession(sessionId: string, at = new Date()): Promise<void> {
    await this.record("session", sessionId, at);
  }

  /** The key is written and the change announced in one transaction: a mirror never misses a key it could read. */
  private async record(kind: Revocation["kind"], id: string, at: Date): Promise<void> {
    const revocation: Revocation = { kind, id, at: at.getTime() / 1000, expiresAt: Date.now() + this.ttlSeconds * 1000 };
    const key = kind === "user" ? this.key(id) : this.sessionKey(id);
    const results = await this.redis.multi().set(key, String(revocation.at), "EX", this.ttlSeconds).publish(this.channel, JSON.stringify(revocation)).exec();
    const failed = results?.find(([error]) => error)?.[0];
    if (!results || failed) throw failed ?? new Error("revocation transaction was aborted");
  }

  /**
   * The floor in (fractional) epoch seconds, if any; with a session id, +Infinity when that session
   * was revoked. Shaped as VerifyOptions.notBefore: `notBefore: (userId, sid) => revocations.notBefore(userId, sid)`.
   * Answered from memory while a mirror is in sync (mirrorWith), from Redis otherwise.
   */
  notBefore(userId: string, sessionId?: string): Promise<number | undefined> | number | undefined {
    if (this.mirror?.synced) return this.mirror.notBefore(userId, sessionId);
    return this.read(userId, sessionId);
  }

  private async read(userId: string, sessionId?: string): Promise<number | undefined> {
    if (!sessionId) {
      const value = await this.redis.get(this.key(userId));
      return value === null ? undefined : Number(value);
    }
    const [floor, sessionRevoked] = await this.redis.mget(this.key(userId), this.sessionKey(sessionId));
    if (sessionRevoked !== null) return Number.POSITIVE_INFINITY;
    return floor === null ? undefined : Number(floor);
  }

  /**
   * Keeps every live revocation in memory, so a check costs no Redis round trip (the gateway checks on
   * every request). `subscriber` is a connection of its own (pub/sub mode): it subscribes to the
   * channel first, then loads the keys already there, and only then answers from memory; whenever the
   * subscription is down (a reconnect), checks go to Redis until it is back and reloaded. Revocations
   * reach the mirror in the order Redis delivers them: the announcement is written to this process's
   * socket before the revoking request is answered, so a request caused by that answer is checked
   * against it. Returns a stop function.
   */
  mirrorWith(subscriber: Redis, logger?: Logger): () => void {
    const mirror = new RevocationMirror();
    this.mirror = mirror;
    const onMessage = (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        mirror.apply(JSON.parse(message) as Revocation);
      } catch (error) {
        logger?.warn("unreadable revocation announcement", { error: (error as Error).message });
      }
    };
    const desync = () => {
      mirror.synced = false;
    };
    // On every (re)connect: subscribe (ioredis resubscribes by itself too), then load what is stored.
    const sync = async () => {
      mirror.synced = false;
      try {
        await subscriber.subscribe(this.channel);
        await this.load(mirror);
        mirror.synced = subscriber.status === "ready";
      } catch (error) {
        logger?.warn("revocation mirror not in sync, checking Redis directly", { error: (error as Error).message });
      }
    };
    subscriber.on("message", onMessage);
    subscriber.on("ready", sync);
    subscriber.on("close", desync);
    subscriber.on("reconnecting", desync);
    if (subscriber.status === "ready") void sync();
    const sweeper = setInterval(() => mirror.prune(), 60_000);
    sweeper.unref();
    return () => {
      clearInterval(sweeper);
      subscriber.off("message", onMessage);
      subscriber.off("ready", sync);
      subscriber.off("close", desync);
      subscriber.off("reconnecting", desync);
      mirror.synced = false;
      if (this.mirror === mirror) this.mirror = null;
    };
  }

  /** Reads every stored revocation into the mirror (SCAN, then each page's values and expiries in one pipeline). */
  private async load(mirror: RevocationMirror): Promise<void> {
    for (const [kind, pattern] of [
      ["user", this.key("*")],
      ["session", this.sessionKey("*")],
    ] as const) {
      const idStart = pattern.length - 1;
      let cursor = "0";
      do {
        const [next, keys] = await this.redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        if (keys.length === 0) continue;
        const pipeline = this.redis.pipeline();
        for (const key of keys) pipeline.get(key).pttl(key);
        const replies = (await pipeline.exec()) ?? [];
        const now = Date.now();
        keys.forEach((key, index) => {
          const value = replies[2 * index]?.[1] as string | null | undefined;
          const ttlMs = replies[2 * index + 1]?.[1] as number | undefined;
          if (typeof value === "string" && typeof ttlMs === "number" && ttlMs > 0) mirror.apply({ kind, id: key.slice(idStart), at: Number(value), expiresAt: now + ttlMs });
        });
      } while (cursor !== "0");
    }
  }
}

interface Revocation {
  kind: "user" | "session";
  id: string;
  /** Epoch seconds (fractional): the floor, or when the session was revoked. */
  at: number;
  /** Epoch milliseconds at which Redis drops the key (and the mirror the entry). */
  expiresAt: number;
}

/**
 * Revocations in memory, each kept as long as Redis keeps its key. A floor only rises here: the load and
 * the announcements arrive on two connections, so an older value must not replace a newer one.
 */
class RevocationMirror {
  synced = false;
  private readonly floors = new Map<string, { at: number; expiresAt: number }>();
  private readonly sessions = new Map<string, { at: number; expiresAt: number }>();

  apply(revocation: Revocation): void {
    if (!Number.isFinite(revocation.at) || !Number.isFinite(revocation.expiresAt) || typeof revocation.id !== "string") return;
    const map = revocation.kind === "user" ? this.floors : this.sessions;
    const known = map.get(revocation.id);
    map.set(revocation.id, { at: Math.max(known?.at ?? -Infinity, revocation.at), expiresAt: Math.max(known?.expiresAt ?? 0, revocation.expiresAt) });
  }

  notBefore(userId: string, sessionId?: string): number | undefined {
    if (sessionId !== undefined && this.live(this.sessions, sessionId) !== undefined) return Number.POSITIVE_INFINITY;
    return this.live(this.floors, userId);
  }

  prune(): void {
    for (const map of [this.floors, this.sessions]) for (const id of map.keys()) this.live(map, id);
  }

  private live(map: Map<string, { at: number; expiresAt: number }>, id: string): number | undefined {
    const entry = map.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > Date.now()) return entry.at;
    map.delete(id);
    return undefined;
  }
}

/**
 * The revocation checks of a process that verifies tokens (the gateway, every subgraph): TokenRevocations on
 * `redis`, mirrored in memory over a subscriber connection of its own (mirrorWith). `close` ends the mirror
 * and that connection.
 */
export function mirroredRevocations(redis: Redis, url: string, prefix: string, logger: Logger): { revocations: TokenRevocations; close(): void } {
  const revocations = new TokenRevocations(redis, prefix);
  const feed = createRedis(url, logger);
  const stop = revocations.mirrorWith(feed, logger);
  return {
    revocations,
    close() {
      stop();
      feed.disconnect();
    },
  };
}

/**
 * One Redis connection whose commands fail within a second instead of waiting while the server is
 * away; connection errors go to the JSON log (ioredis would print them to the console) and it reconnects.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
  redis.on("error", (error: Error) => logger.warn("redis connection error", { error: error.message }));
  return redis;
}
