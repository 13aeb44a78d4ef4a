import { createHash, randomUUID } from "node:crypto";
import { isIP } from "node:net";
import type { createRedis } from "@opsconductor/kit/subgraph";

type Redis = ReturnType<typeof createRedis>;

/**
 * How logins are throttled (numbers are the defaults; see the README):
 * - per username (known or not): `usernameFreeAttempts` (5) consecutive failures cost nothing;
 *   after the n-th failure (n ≥ free) the next attempt waits `base · 2^(n − free)` from the end of the
 *   last one (1 s, 2 s, 4 s, …) up to `maxBackoffMs` (5 min). A success resets the count. No hard lock: a
 *   stranger's 5 wrong guesses cost the owner at most 1 s, and guessing is slowed to ~12 per hour.
 * - at most one attempt per username in flight: concurrent guesses are refused, not queued, and such a
 *   burst uses up the free failures at once (the first back-off step applies after the one in flight),
 *   so a parallel burst never gets more than one password checked before the back-off.
 * - per client IP (IPv6 by /64), across all usernames: `ipFreeAttempts` (50) failures, then the same
 *   back-off. A success gives back only its own attempt, so an account of one's own cannot reset it.
 * - counts are forgotten `forgetAfterMs` (1 h) after the last attempt.
 */
export interface LoginThrottlePolicy {
  usernameFreeAttempts: number;
  ipFreeAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  forgetAfterMs: number;
  /** Bound on an in-flight attempt's hold on its username, should its process die mid-attempt. */
  inFlightMs: number;
}

/** The policy from the environment; the rest are fixed numbers. */
export function loginThrottlePolicy(env: { LOGIN_MAX_ATTEMPTS: number; LOGIN_IP_MAX_ATTEMPTS: number; LOGIN_BACKOFF_MAX_SECONDS: number }): LoginThrottlePolicy {
  return {
    usernameFreeAttempts: env.LOGIN_MAX_ATTEMPTS,
    ipFreeAttempts: env.LOGIN_IP_MAX_ATTEMPTS,
    baseBackoffMs: 1_000,
    maxBackoffMs: env.LOGIN_BACKOFF_MAX_SECONDS * 1_000,
    forgetAfterMs: 3_600_000,
    inFlightMs: 30_000,
  };
}

export type ThrottleDecision = { allowed: true; attempt: LoginAttempt } | { allowed: false; retryAfterSeconds: number };

/** How an allowed attempt ended: a failure keeps its count, a success resets, an error gives it back. */
export type AttemptOutcome = "failed" | "succeeded" | "aborted";

export interface LoginAttempt {
  finish(outcome: AttemptOutcome): Promise<void>;
}

// The attempt is counted as a failure when it is taken (before the password is hashed), so any
// number of concurrent requests sees the counts of those before it; the outcome then corrects it.
const BEGIN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local base, cap = tonumber(ARGV[3]), tonumber(ARGV[4])
local function wait(key, free)
  local n = tonumber(redis.call('HGET', key, 'n') or '0')
  if n < free then return 0 end
  local last = tonumber(redis.call('HGET', key, 'last') or '0')
  return math.max(0, last + math.min(cap, base * 2 ^ (n - free)) - now)
end
local held = redis.call('PTTL', KEYS[3])
if held > 0 then
  -- A guess sent while another is being checked is a burst: it spends the free failures at once, so
  -- the attempts after the one in flight wait out the first back-off step (but do not escalate it).
  local free = tonumber(ARGV[1])
  if tonumber(redis.call('HGET', KEYS[1], 'n') or '0') < free then redis.call('HSET', KEYS[1], 'n', free) end
  redis.call('HSET', KEYS[1], 'last', now)
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return {0, math.min(held, 1000)}
end
local ms = math.max(wait(KEYS[1], tonumber(ARGV[1])), wait(KEYS[2], tonumber(ARGV[2])))
if ms > 0 then return {0, math.ceil(ms)} end
redis.call('SET', KEYS[3], ARGV[7], 'PX', ARGV[6])
for i = 1, 2 do
  redis.call('HINCRBY', KEYS[i], 'n', 1)
  redis.call('HSET', KEYS[i], 'last', now)
  redis.call('PEXPIRE', KEYS[i], ARGV[5])
end
return {1, 0}
`;

const FINISH = `
local function giveBack(key)
  if tonumber(redis.call('HGET', key, 'n') or '0') > 0 then redis.call('HINCRBY', key, 'n', -1) end
end
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
if ARGV[1] == 'failed' then
  -- The wait runs from when the failure was known, however long the check took.
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  for i = 1, 2 do
    if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('HSET', KEYS[i], 'last', now) end
  end
elseif ARGV[1] == 'succeeded' then
  redis.call('DEL', KEYS[1])
  giveBack(KEYS[2])
elseif ARGV[1] == 'aborted' then
  giveBack(KEYS[1])
  giveBack(KEYS[2])
end
return 1
`;

/** The throttle key of a client address: IPv4 as is, IPv6 by its /64 (one host usually holds a whole /64). */
export function ipBucket(ip: string | null): string {
  if (!ip) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) !== 6) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = ip.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill("0"), ...tailGroups];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** Login throttling in Redis (shared by every auth instance); see LoginThrottlePolicy. */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly policy: LoginThrottlePolicy,
  ) {}

  private keys(username: string, ip: string | null): [string, string, string] {
    // Hashed: usernames (even mistyped passwords typed into the username box) are not kept in Redis.
    const user = createHash("sha256").update(username).digest("base64url");
    const base = `${this.prefix}auth:login-throttle`;
    return [`${base}:user:${user}`, `${base}:ip:${ipBucket(ip)}`, `${base}:in-flight:${user}`];
  }

  /** Takes one attempt for this (normalized) username from this address, or says how long to wait. */
  async begin(username: string, ip: string | null): Promise<ThrottleDecision> {
    const { policy } = this;
    const keys = this.keys(username, ip);
    const holder = randomUUID();
    const [allowed, waitMs] = (await this.redis.eval(
      BEGIN,
      keys.length,
      ...keys,
      policy.usernameFreeAttempts,
      policy.ipFreeAttempts,
      policy.baseBackoffMs,
      policy.maxBackoffMs,
      policy.forgetAfterMs,
      policy.inFlightMs,
      holder,
    )) as [number, number];
    if (allowed !== 1) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    let finished = false;
    return {
      allowed: true,
      attempt: {
        finish: async (outcome) => {
          if (finished) return;
          finished = true;
          await this.redis.eval(FINISH, keys.length, ...keys, outcome, holder);
        },
      },
    };
  }
}
