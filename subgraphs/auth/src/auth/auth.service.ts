import {
  badInput,
  emitEvent,
  unauthenticated,
  type Actor,
  type AuthUser,
  type Logger,
  type TokenRevocations,
  type Transact,
} from "@opsconductor/kit/subgraph";
import { SQL_NOW_UTC, type Prisma, type PrismaClient } from "../db";
import { normalizeUsername } from "../credential/credential.service";
import { dummyVerify, hashPassword, passwordPolicyViolation, verifyPassword } from "../credential/password";
import type { ProfileClient, UserProfile } from "../profile/profile.client";
import { signAccessToken } from "../token/access-token";
import type { RefreshTokenService } from "../token/refresh-token.service";
import type { SigningKeyService } from "../token/signing-key.service";

export interface AuthSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  maxFailedAttempts: number;
  lockoutSeconds: number;
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
  /** Per-user floor below which access tokens are refused at the gateway. */
  revocations: TokenRevocations;
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

// One answer for unknown user, wrong password, locked and deactivated accounts: a caller cannot
// tell which usernames exist or which accounts are locked.
const invalidCredentials = () => unauthenticated("Invalid username or password");
const invalidRefreshToken = () => unauthenticated("Invalid or expired refresh token");

type FailureReason = "invalid_credentials" | "locked" | "inactive";

/** Login, refresh-token rotation with reuse detection, logout and password change. */
export class AuthService {
  constructor(private readonly deps: AuthDeps) {}

  async login(rawUsername: string, password: string, call: CallInfo): Promise<IssuedTokens> {
    const { prisma } = this.deps;
    const username = normalizeUsername(rawUsername);
    const credential = await prisma.credential.findUnique({ where: { username } });
    if (!credential) {
      await dummyVerify(password);
      await this.recordFailure(null, username, "invalid_credentials", call);
      throw invalidCredentials();
    }
    if (credential.lockedUntil && credential.lockedUntil > new Date()) {
      await dummyVerify(password);
      await this.recordFailure(credential.userId, username, "locked", call);
      throw invalidCredentials();
    }
    if (!(await verifyPassword(credential.passwordHash, password))) {
      await this.recordFailure(credential.userId, username, "invalid_credentials", call);
      throw invalidCredentials();
    }
    const profile = await this.deps.profiles.get(credential.userId, call.requestId);
    if (!profile?.isActive) {
      await this.recordFailure(credential.userId, username, "inactive", call);
      throw invalidCredentials();
    }

    const actor = { ...call.actor, userId: credential.userId, username: profile.username };
    const refreshToken = await this.deps.transaction(async (tx) => {
      await tx.credential.update({ where: { userId: credential.userId }, data: { failedAttempts: 0, lockedUntil: null } });
      const { token } = await this.deps.refreshTokens.startFamily(tx, credential.userId);
      await emitEvent(tx, "auth.login.succeeded", {
        actor,
        subject: { type: "User", id: credential.userId },
        data: { userId: credential.userId, username: profile.username },
      });
      return token;
    });
    return this.issue(credential.userId, profile, refreshToken);
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
    return this.issue(family.userId, profile, next);
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
    // Everywhere means the access tokens too; one session's access token lives out its minutes.
    if (allSessions) await this.deps.revocations.revokeIssuedBefore(user.id);
    return true;
  }

  /** Changes the caller's password and ends all their sessions, access tokens included. */
  async changePassword(user: AuthUser, currentPassword: string, newPassword: string, call: CallInfo): Promise<boolean> {
    const { prisma, refreshTokens } = this.deps;
    const violation = passwordPolicyViolation(newPassword);
    if (violation) throw badInput("newPassword", violation);
    const credential = await prisma.credential.findUnique({ where: { userId: user.id } });
    if (!credential) throw unauthenticated("No credential exists for this user");
    if (!(await verifyPassword(credential.passwordHash, currentPassword))) {
      throw badInput("currentPassword", "is incorrect");
    }
    const passwordHash = await hashPassword(newPassword);
    await this.deps.transaction(async (tx) => {
      await tx.credential.update({
        where: { userId: user.id },
        data: { passwordHash, passwordChangedAt: new Date(), failedAttempts: 0, lockedUntil: null },
      });
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
  private issue(userId: string, profile: UserProfile, refreshToken: string): IssuedTokens {
    const { settings } = this.deps;
    const { token, expiresAt } = signAccessToken(
      this.deps.keys.signingKey(),
      { id: userId, username: profile.username, roles: profile.roles, permissions: profile.permissions },
      { issuer: settings.issuer, audience: settings.audience, ttlSeconds: settings.accessTokenTtlSeconds },
    );
    return { accessToken: token, refreshToken, expiresAt, user: { id: userId } };
  }

  /**
   * Counts a failed login and writes `auth.login.failed`. The counter is incremented in SQL so
   * concurrent guesses cannot undercount; reaching the limit locks the account and restarts the count.
   */
  private async recordFailure(userId: string | null, username: string, reason: FailureReason, call: CallInfo) {
    const { settings, logger } = this.deps;
    await this.deps.transaction(async (tx) => {
      if (userId && reason === "invalid_credentials") {
        await tx.$executeRawUnsafe(
          `UPDATE credentials SET
             locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN ${SQL_NOW_UTC} + make_interval(secs => $3) ELSE locked_until END,
             failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END,
             updated_at = ${SQL_NOW_UTC}
           WHERE user_id = $1::uuid`,
          userId,
          settings.maxFailedAttempts,
          settings.lockoutSeconds,
        );
      }
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
    if (!revoked) return;
    this.deps.logger.warn("refresh token reused: session family revoked", { userId, familyId });
  }
}
