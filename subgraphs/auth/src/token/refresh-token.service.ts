import { randomToken, sha256 } from "@opsconductor/kit/subgraph";
import { SQL_NOW_UTC, type Db, type PrismaClient } from "../db";

export type RevokeReason = "reuse" | "logout" | "password_changed" | "inactive" | "user_deactivated";

/**
 * Rotating refresh tokens. A login starts a family; every refresh uses up one token and issues
 * the next in the same family. Only the sha256 of a token is stored.
 */
export class RefreshTokenService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ttlSeconds: number,
  ) {}

  /** The stored token and its family, or null for an unknown token. */
  async find(token: string) {
    if (!token) return null;
    return this.prisma.refreshToken.findUnique({ where: { tokenHash: sha256(token) }, include: { family: true } });
  }

  async startFamily(tx: Db, userId: string): Promise<{ familyId: string; token: string }> {
    const family = await tx.refreshFamily.create({ data: { userId } });
    return { familyId: family.id, token: await this.issue(tx, family.id) };
  }

  async issue(tx: Db, familyId: string): Promise<string> {
    const token = randomToken(32);
    await tx.refreshToken.create({
      data: { familyId, tokenHash: sha256(token), expiresAt: new Date(Date.now() + this.ttlSeconds * 1000) },
    });
    return token;
  }

  /**
   * Marks a token used, only if nobody used it first and its family is live. Of two concurrent
   * refreshes with one token exactly one gets true.
   */
  async claim(tx: Db, tokenId: string): Promise<boolean> {
    const { count } = await tx.refreshToken.updateMany({
      where: { id: tokenId, usedAt: null, family: { revokedAt: null } },
      data: { usedAt: new Date() },
    });
    return count === 1;
  }

  /** Revokes a family (every token in it); false when it was revoked already. */
  async revokeFamily(tx: Db, familyId: string, reason: RevokeReason): Promise<boolean> {
    const { count } = await tx.refreshFamily.updateMany({
      where: { id: familyId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    return count === 1;
  }

  async revokeAllForUser(tx: Db, userId: string, reason: RevokeReason): Promise<number> {
    const { count } = await tx.refreshFamily.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    return count;
  }
}

/** The same revocation for event handlers, which get a raw SQL transaction. */
export const REVOKE_USER_FAMILIES_SQL = `UPDATE refresh_families SET revoked_at = ${SQL_NOW_UTC}, revoked_reason = $2
  WHERE user_id = $1::uuid AND revoked_at IS NULL`;
