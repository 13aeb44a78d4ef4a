import { isUniqueViolation } from "@opsconductor/kit/subgraph";
import type { PrismaClient } from "../db";
import { hashPassword, passwordPolicyViolation } from "./password";

export interface NewCredential {
  userId: string;
  username: string;
  password: string;
}

export type CreateCredentialResult =
  | { ok: true }
  | { ok: false; reason: "policy"; field: "password"; message: string }
  | { ok: false; reason: "exists"; field: "username"; message: string };

/** Usernames compare as the users service stores them: trimmed and lower-case. */
export const normalizeUsername = (username: string) => username.trim().toLowerCase();

const EXISTS = { ok: false, reason: "exists", field: "username", message: "a credential for this user or username already exists" } as const;

/** Credentials (username + argon2id hash) of users the users service created. */
export class CredentialService {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: NewCredential): Promise<CreateCredentialResult> {
    const violation = passwordPolicyViolation(input.password, input.username);
    if (violation) return { ok: false, reason: "policy", field: "password", message: `password ${violation}` };
    const username = normalizeUsername(input.username);
    const existing = await this.prisma.credential.findFirst({
      where: { OR: [{ userId: input.userId }, { username }] },
      select: { userId: true },
    });
    if (existing) return EXISTS;
    const passwordHash = await hashPassword(input.password);
    try {
      await this.prisma.credential.create({ data: { userId: input.userId, username, passwordHash } });
    } catch (error) {
      // A concurrent create of the same user or username won the race.
      if (isUniqueViolation(error)) return EXISTS;
      throw error;
    }
    return { ok: true };
  }

  /** Deletes a user's credential (its sessions go with it); true when there was one. */
  async remove(userId: string): Promise<boolean> {
    const { count } = await this.prisma.credential.deleteMany({ where: { userId } });
    return count > 0;
  }

  exists(userId: string): Promise<boolean> {
    return this.prisma.credential.count({ where: { userId } }).then((count) => count > 0);
  }
}
