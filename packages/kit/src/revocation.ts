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

  /** Refuses every token of the user issued before this moment (auth's iat carries milliseconds). */
  async revokeIssuedBefore(userId: string, at = new Date()): Promise<void> {
    await this.redis.set(this.key(userId), String(at.getTime() / 1000), "EX", this.ttlSeconds);
  }

  /** Refuses every access token of the session, whenever issued (a refresh racing the revocation included). */
  async revokeSession(sessionId: string, at = new Date()): Promise<void> {
    await this.redis.set(this.sessionKey(sessionId), String(at.getTime() / 1000), "EX", this.ttlSeconds);
  }

  /**
   * The floor in (fractional) epoch seconds, if any; with a session id, +Infinity when that session
   * was revoked. Shaped as VerifyOptions.notBefore: `notBefore: (userId, sid) => revocations.notBefore(userId, sid)`.
   */
  async notBefore(userId: string, sessionId?: string): Promise<number | undefined> {
    if (!sessionId) {
      const value = await this.redis.get(this.key(userId));
      return value === null ? undefined : Number(value);
    }
    const [floor, sessionRevoked] = await this.redis.mget(this.key(userId), this.sessionKey(sessionId));
    if (sessionRevoked !== null) return Number.POSITIVE_INFINITY;
    return floor === null ? undefined : Number(floor);
  }
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
