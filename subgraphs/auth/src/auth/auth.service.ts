import { GraphQLError } from "graphql";
import {
  badInput,
  emitEvent,
  ErrorCode,
  unauthenticated,
  type Actor,
  type AuthUser,
  type Logger,
  type TokenRevocations,
  type Transact,
} from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../db";
import { normalizeUsername } from "../credential/credential.service";
import { dummyVerify, hashPassword, passwordPolicyViolation, verifyPassword } from "../credential/password";
import { PASSWORD_INPUT_MAX_LENGTH, textProblem, USERNAME_MAX_LENGTH } from "../credential/text";
import type { ProfileClient, UserProfile } from "../profile/profile.client";
import { signAccessToken } from "../token/access-token";
import type { RefreshTokenService } from "../token/refresh-token.service";
import type { SigningKeyService } from "../token/signing-key.service";
import type { AttemptOutcome, LoginAttempt, LoginThrottle } from "./login-throttle";

export interface AuthSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
}

export interface AuthDeps {
  prisma: PrismaClient;
  keys: SigningKeyService;
  refreshTokens: RefreshTokenService;
  profiles: ProfileClient;
  settings: AuthSettings;
  logger: Logger;
  /** One transaction; after commit the outbox relay publishes its events. */
  transaction: Transact<Prisma.TransactionClient>;
  /** Per-user floor and per-session markers by which access tokens are refused at the gateway. */
  revocations: TokenRevocations;
  /** Per-username and per-IP attempt counts with back-off, taken before any password is hashed. */
  throttle: LoginThrottle;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: { id: string };
}

/** Who is calling and from where; the actor of the events this service writes. */
export interface CallInfo {
  actor: Actor;
  requestId?: string;
}

// One answer for unknown user, wrong password and deactivated accounts: a caller cannot tell
// which usernames exist or which accounts are active.
const invalidCredentials = () => unauthenticated("Invalid username or password");
const invalidRefreshToken = () => unauthenticated("Invalid or expired refresh token");
// Throttling depends only on earlier attempts for the username and address, never on whether the
// username exists or the password is right, so saying so reveals nothing.
const tooManyAttempts = (retryAfterSeconds: number) =>
  new GraphQLError(`Too many attempts, try again in ${retryAfterSeconds} s`, {
    extensions: { code: ErrorCode.TOO_MANY_REQUESTS, retryAfterSeconds },
  });

function checkText(field: string, value: string, maxLength: number) {
  const problem = textProblem(value, maxLength);
  if (problem) throw badInput(field, problem);
}

type FailureReason = "invalid_credentials" | "inactive";
type CheckedCredential =
  | { ok: true; userId: string; profile: UserProfile }
  | { ok: false; userId: string | null; reason: FailureReason };

/** Login, refresh-token rotation with reuse detection, logout and password change. */
export class AuthService {
  constructor(private readonly deps: AuthDeps) {}

  async login(rawUsername: string, password: string, call: CallInfo): Promise<IssuedTokens> {
    checkText("username", rawUsername, USERNAME_MAX_LENGTH);
    checkText("password", password, PASSWORD_INPUT_MAX_LENGTH);
    const username = normalizeUsername(rawUsername);
    return this.throttled(username, call, async (attempt) => {
      const checked = await this.checkCredential(username, password, call);
      if (!checked.ok) {
        attempt.outcome = "failed";
        await this.recordFailure(checked.userId, username, checked.reason, call);
        throw invalidCredentials();
      }
      const tokens = await this.startSession(checked.userId, checked.profile, call);
      attempt.outcome = "succeeded";
      return tokens;
    });
  }

  /**
   * Runs a password check as one throttled attempt: refused at once while the username or the
   * address is backing off or the username has another attempt in flight. The attempt ends
   * "aborted" (given back) unless `run` says how it went.
   */
  private async throttled<T>(username: string, call: CallInfo, run: (attempt: { outcome: AttemptOutcome }) => Promise<T>): Promise<T> {
    const decision = await this.deps.throttle.begin(username, call.actor.ip);
    if (!decision.allowed) {
      this.deps.logger.debug("login throttled", { username, retryAfterSeconds: decision.retryAfterSeconds });
      throw tooManyAttempts(decision.retryAfterSeconds);
    }
    const state: { outcome: AttemptOutcome } = { outcome: "aborted" };
    try {
      return await run(state);
    } finally {
      await this.finishAttempt(decision.attempt, state.outcome);
    }
  }

  private async finishAttempt(attempt: LoginAttempt, outcome: AttemptOutcome) {
    try {
      await attempt.finish(outcome);
    } catch (error) {
      // The answer stands; the in-flight hold expires by itself.
      this.deps.logger.warn("could not record the end of a login attempt", { error: (error as Error).message });
    }
  }

  private async checkCredential(username: string, password: string, call: CallInfo): Promise<CheckedCredential> {
    const credential = await this.deps.prisma.credential.findUnique({ where: { username } });
    if (!credential) {
      await dummyVerify(password);
      return { ok: false, userId: null, reason: "invalid_credentials" };
    }
    if (!(await verifyPassword(credential.passwordHash, password))) {
      return { ok: false, userId: credential.userId, reason: "invalid_credentials" };
    }
    const profile = await this.deps.profiles.get(credential.userId, call.requestId);
    if (!profile?.isActive) return { ok: false, userId: credential.userId, reason: "inactive" };
    return { ok: true, userId: credential.userId, profile };
  }

  private async startSession(userId: string, profile: UserProfile, call: CallInfo): Promise<IssuedTokens> {
    const actor = { ...call.actor, userId, username: profile.username };
    const session = await this.deps.transaction(async (tx) => {
      const started = await this.deps.refreshTokens.startFamily(tx, userId);
      await emitEvent(tx, "auth.login.succeeded", {
        actor,
        subject: { type: "User", id: userId },
        data: { userId, username: profile.username },
      });
      return started;
    });
    return this.issue(userId, profile, session.token, session.familyId);
  }

  /**
   * Rotates a refresh token. A token that was used before is a stolen copy or a replay: the whole
   * family, including the newest token, is revoked.
   */
  async refresh(token: string, call: CallInfo): Promise<IssuedTokens> {
    const stored = await this.deps.refreshTokens.find(token);
    if (!stored || stored.family.revokedAt) throw invalidRefreshToken();
    const { family } = stored;
    if (stored.usedAt) {
      await this.revokeReusedFamily(family.id, family.userId, call);
      throw invalidRefreshToken();
    }
    if (stored.expiresAt <= new Date()) throw invalidRefreshToken();

    const profile = await this.deps.profiles.get(family.userId, call.requestId);
    if (!profile?.isActive) {
      await this.deps.refreshTokens.revokeFamily(this.deps.prisma, family.id, "inactive");
      await this.deps.revocations.revokeSession(family.id);
      throw invalidRefreshToken();
    }

    const next = await this.deps.transaction(async (tx) => {
      if (!(await this.deps.refreshTokens.claim(tx, stored.id))) return null;
      return this.deps.refreshTokens.issue(tx, family.id);
    });
    if (!next) {
      // Another request used this token between our read and our claim: that is a reuse too.
      await this.revokeReusedFamily(family.id, family.userId, call);
      throw invalidRefreshToken();
    }
    return this.issue(family.userId, profile, next, family.id);
  }

  /** Ends the session of the given refresh token (if it is the caller's) or all the caller's sessions. */
  async logout(user: AuthUser, refreshToken: string | null | undefined, allSessions: boolean, call: CallInfo): Promise<boolean> {
    const { refreshTokens } = this.deps;
    if (!allSessions && !refreshToken) {
      throw badInput("refreshToken", "give the refresh token of the session to end, or set allSessions to true");
    }
    let familyId: string | undefined;
    if (!allSessions) {
      const stored = await refreshTokens.find(refreshToken ?? "");
      // Another user's token is treated like an unknown one: nothing is revoked, nothing is revealed.
      if (!stored || stored.family.userId !== user.id) return false;
      familyId = stored.familyId;
    }
    await this.deps.transaction(async (tx) => {
      if (familyId) await refreshTokens.revokeFamily(tx, familyId, "logout");
      else await refreshTokens.revokeAllForUser(tx, user.id, "logout");
      await emitEvent(tx, "auth.logout", {
        actor: call.actor,
        subject: { type: "User", id: user.id },
        data: { userId: user.id, allSessions },
      });
    });
    // The access tokens go too: all the user's, or those of this session (their `sid` is the family id).
    if (familyId) await this.deps.revocations.revokeSession(familyId);
    else await this.deps.revocations.revokeIssuedBefore(user.id);
    return true;
  }

  /**
   * Changes the caller's password and ends all their sessions, access tokens included. Checking the
   * current password is a password guess like a login, so it is throttled like one.
   */
  async changePassword(user: AuthUser, currentPassword: string, newPassword: string, call: CallInfo): Promise<boolean> {
    const { prisma, refreshTokens } = this.deps;
    checkText("currentPassword", currentPassword, PASSWORD_INPUT_MAX_LENGTH);
    const credential = await prisma.credential.findUnique({ where: { userId: user.id } });
    if (!credential) throw unauthenticated("No credential exists for this user");
    const violation = passwordPolicyViolation(newPassword, credential.username);
    if (violation) throw badInput("newPassword", violation);
    await this.throttled(credential.username, call, async (attempt) => {
      const matches = await verifyPassword(credential.passwordHash, currentPassword);
      attempt.outcome = matches ? "succeeded" : "failed";
      if (!matches) throw badInput("currentPassword", "is incorrect");
    });
    const passwordHash = await hashPassword(newPassword);
    await this.deps.transaction(async (tx) => {
      await tx.credential.update({ where: { userId: user.id }, data: { passwordHash, passwordChangedAt: new Date() } });
      await refreshTokens.revokeAllForUser(tx, user.id, "password_changed");
      await emitEvent(tx, "auth.password.changed", {
        actor: call.actor,
        subject: { type: "User", id: user.id },
        data: { userId: user.id },
      });
    });
    await this.deps.revocations.revokeIssuedBefore(user.id);
    return true;
  }

  /** The subject is auth's own user id for the credential or family, never an id echoed by another service. */
  private issue(userId: string, profile: UserProfile, refreshToken: string, sessionId: string): IssuedTokens {
    const { settings } = this.deps;
    const { token, expiresAt } = signAccessToken(
      this.deps.keys.signingKey(),
      { id: userId, username: profile.username, roles: profile.roles, permissions: profile.permissions },
      { issuer: settings.issuer, audience: settings.audience, ttlSeconds: settings.accessTokenTtlSeconds, sessionId },
    );
    return { accessToken: token, refreshToken, expiresAt, user: { id: userId } };
  }

  /** Writes `auth.login.failed`; the throttle has counted the attempt already. */
  private async recordFailure(userId: string | null, username: string, reason: FailureReason, call: CallInfo) {
    const { logger } = this.deps;
    await this.deps.transaction(async (tx) => {
      await emitEvent(tx, "auth.login.failed", {
        actor: { ...call.actor, userId, username },
        // Unknown usernames have no user id; the subject then names the attempted username.
        subject: { type: "User", id: userId ?? username },
        data: { username, reason },
      });
    });
    logger.info("login failed", { username, reason });
  }

  private async revokeReusedFamily(familyId: string, userId: string, call: CallInfo) {
    const revoked = await this.deps.transaction(async (tx) => {
      if (!(await this.deps.refreshTokens.revokeFamily(tx, familyId, "reuse"))) return false;
      await emitEvent(tx, "auth.refresh.reused", {
        actor: { ...call.actor, userId },
        subject: { type: "User", id: userId },
        data: { userId, familyId },
      });
      return true;
    });
    // Whoever revoked the family first, its access tokens die too; writing the marker again is harmless.
    await this.deps.revocations.revokeSession(familyId);
    if (!revoked) return;
    this.deps.logger.warn("refresh token reused: session family revoked", { userId, familyId });
  }
}
