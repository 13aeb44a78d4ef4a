import { randomUUID } from "node:crypto";
import {
  badInput,
  conflict,
  containsText,
  emitEvent,
  InternalCallError,
  isUniqueViolation,
  isUuid,
  notFound,
  pageArgs,
  prismaOrder,
  requirePermission,
  type Logger,
  type PaginationInput,
  type RequestContext,
  type Transact,
  type UserProfile,
} from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient, User as UserRow } from "../generated/prisma/client";
import type { CredentialsClient } from "./credentials.client";
import { permissionsFor } from "./permissions";
import { Role } from "./role";
import { UserSortField, type CreateUserInput, type UpdateUserInput, type UserFilter, type UserSort } from "./user.input";
import type { UserLoaders } from "./user.loader";
import { toUser, userSnapshot, type User, type UserPage } from "./user.type";
import {
  normalizeDisplayName,
  normalizeEmail,
  normalizeRoles,
  normalizeUsername,
  sameRoles,
} from "./user.validation";

type Tx = Prisma.TransactionClient;

export interface UserServiceDeps {
  prisma: PrismaClient;
  credentials: CredentialsClient;
  logger: Logger;
  transaction: Transact<Tx>;
}

/** What the auth service needs to issue a token (the users profile contract). */
export type UserAuthSummary = UserProfile;

const SUBJECT = "User";
const MAX_SEARCH = 100;
// createUser keeps its transaction open across the auth service's (deliberately slow) password hashing.
const CREATE_TX = { maxWait: 5_000, timeout: 15_000 };

/** Rules, authorization and persistence for users. Resolvers and the internal route only translate. */
export class UserService {
  constructor(private readonly deps: UserServiceDeps) {}

  private get prisma() {
    return this.deps.prisma;
  }

  async list(
    ctx: RequestContext,
    filter?: UserFilter | null,
    pagination?: PaginationInput | null,
    sort?: UserSort | null,
  ): Promise<UserPage> {
    requirePermission(ctx, "users:read");
    const { skip, take } = pageArgs(pagination);
    const where = whereOf(filter);
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.user.findMany({ where, orderBy: orderOf(sort), skip, take }),
      this.prisma.user.count({ where }),
    ]);
    return { items: rows.map(toUser), total };
  }

  async get(ctx: RequestContext & { loaders: UserLoaders }, id: string): Promise<User | null> {
    requirePermission(ctx, "users:read");
    return ctx.loaders.userById.load(id);
  }

  async authSummary(id: string): Promise<UserAuthSummary | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.user.findUnique({ where: { id: id.toLowerCase() } });
    if (!row) return null;
    return { id: row.id, username: row.username, roles: row.roles, permissions: permissionsFor(row.roles), isActive: row.isActive };
  }

  async create(ctx: RequestContext, input: CreateUserInput): Promise<User> {
    requirePermission(ctx, "users:write");
    const data = {
      username: normalizeUsername(input.username, "input.username"),
      email: normalizeEmail(input.email, "input.email"),
      displayName: normalizeDisplayName(input.displayName, "input.displayName"),
      roles: normalizeRoles(input.roles, "input.roles"),
    };
    if (input.password.length === 0) throw badInput("input.password", "must not be empty");
    await this.assertAvailable(this.prisma, data);

    const id = randomUUID();
    let credentialStored = false;
    try {
      const row = await this.write(async (tx) => {
        const created = await tx.user.create({ data: { id, ...data } });
        await emitEvent(tx, "users.user.created", { actor: ctx.actor, subject: { type: SUBJECT, id }, data: userSnapshot(created) });
        // Last step inside the transaction: if auth refuses the password, the user row and event roll back.
        await this.createCredentials(ctx, { userId: id, username: data.username, password: input.password });
        credentialStored = true;
        return created;
      }, CREATE_TX);
      return toUser(row);
    } catch (error) {
      // Auth stored the credential but the user did not commit: take it back, or the username stays taken there.
      if (credentialStored) await this.takeBackCredentials(ctx, id);
      throw error;
    }
  }

  async update(ctx: RequestContext, id: string, input: UpdateUserInput): Promise<User> {
    requirePermission(ctx, "users:write");
    const patch: { email?: string; displayName?: string; roles?: Role[] } = {};
    if (input.email != null) patch.email = normalizeEmail(input.email, "input.email");
    if (input.displayName != null) patch.displayName = normalizeDisplayName(input.displayName, "input.displayName");
    if (input.roles != null) patch.roles = normalizeRoles(input.roles, "input.roles");

    const row = await this.write(async (tx) => {
      await lockAdminSet(tx);
      const current = await findForUpdate(tx, id);
      const changed: string[] = [];
      if (patch.email !== undefined && patch.email !== current.email) changed.push("email");
      if (patch.displayName !== undefined && patch.displayName !== current.displayName) changed.push("displayName");
      if (patch.roles !== undefined && !sameRoles(patch.roles, current.roles)) changed.push("roles");
      if (changed.length === 0) return undefined;

      if (changed.includes("roles") && isActiveAdmin(current) && !patch.roles?.includes(Role.ADMIN)) {
        await assertAnotherActiveAdmin(tx, current.id, "input.roles", "The last active admin cannot lose the admin role");
      }
      if (changed.includes("email")) await this.assertAvailable(tx, { email: patch.email }, current.id);
      const updated = await tx.user.update({
        where: { id: current.id },
        data: {
          ...(changed.includes("email") ? { email: patch.email } : {}),
          ...(changed.includes("displayName") ? { displayName: patch.displayName } : {}),
          ...(changed.includes("roles") ? { roles: patch.roles } : {}),
        },
      });
      await emitEvent(tx, "users.user.updated", {
        actor: ctx.actor,
        subject: { type: SUBJECT, id: current.id },
        data: { ...userSnapshot(updated), changed },
      });
      return updated;
    });
    // Nothing changed: no write, no event.
    return toUser(row ?? (await this.mustFind(id)));
  }

  async deactivate(ctx: RequestContext, id: string): Promise<User> {
    const caller = requirePermission(ctx, "users:write");
    if (id.toLowerCase() === caller.id.toLowerCase()) throw badInput("id", "You cannot deactivate your own account");
    const row = await this.write(async (tx) => {
      await lockAdminSet(tx);
      const current = await findForUpdate(tx, id);
      if (!current.isActive) return undefined;
      if (isActiveAdmin(current)) await assertAnotherActiveAdmin(tx, current.id, "id", "The last active admin cannot be deactivated");
      const updated = await tx.user.update({ where: { id: current.id }, data: { isActive: false } });
      await emitEvent(tx, "users.user.deactivated", { actor: ctx.actor, subject: { type: SUBJECT, id: current.id }, data: userSnapshot(updated) });
      return updated;
    });
    return toUser(row ?? (await this.mustFind(id)));
  }

  async activate(ctx: RequestContext, id: string): Promise<User> {
    requirePermission(ctx, "users:write");
    const row = await this.write(async (tx) => {
      const current = await findForUpdate(tx, id);
      if (current.isActive) return undefined;
      const updated = await tx.user.update({ where: { id: current.id }, data: { isActive: true } });
      await emitEvent(tx, "users.user.activated", { actor: ctx.actor, subject: { type: SUBJECT, id: current.id }, data: userSnapshot(updated) });
      return updated;
    });
    return toUser(row ?? (await this.mustFind(id)));
  }

  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    const caller = requirePermission(ctx, "users:write");
    if (id.toLowerCase() === caller.id.toLowerCase()) throw badInput("id", "You cannot delete your own account");
    await this.write(async (tx) => {
      await lockAdminSet(tx);
      const current = await findForUpdate(tx, id);
      if (isActiveAdmin(current)) await assertAnotherActiveAdmin(tx, current.id, "id", "The last active admin cannot be deleted");
      await tx.user.delete({ where: { id: current.id } });
      await emitEvent(tx, "users.user.deleted", {
        actor: ctx.actor,
        subject: { type: SUBJECT, id: current.id },
        data: { id: current.id, username: current.username },
      });
      return current;
    });
    return true;
  }

  /** One transaction, unique violations mapped to CONFLICT. */
  private write<R>(work: (tx: Tx) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R> {
    return this.deps.transaction(work, { ...options, onUniqueViolation: uniqueConflict });
  }

  private async mustFind(id: string): Promise<UserRow> {
    const row = isUuid(id) ? await this.prisma.user.findUnique({ where: { id: id.toLowerCase() } }) : null;
    if (!row) throw notFound("User", id);
    return row;
  }

  /** Clear CONFLICTs before writing; the unique indexes still decide races (see uniqueConflict). */
  private async assertAvailable(db: Tx | PrismaClient, fields: { username?: string; email?: string }, exceptId?: string) {
    const or = [
      ...(fields.username !== undefined ? [{ username: fields.username }] : []),
      ...(fields.email !== undefined ? [{ email: fields.email }] : []),
    ];
    if (or.length === 0) return;
    const taken = await db.user.findMany({
      where: { OR: or, ...(exceptId ? { id: { not: exceptId } } : {}) },
      select: { username: true, email: true },
    });
    if (taken.some((user) => user.username === fields.username)) {
      throw conflict("username", `Username '${fields.username}' is already taken`);
    }
    if (taken.some((user) => user.email === fields.email)) throw conflict("email", `Email '${fields.email}' is already in use`);
  }

  private async takeBackCredentials(ctx: RequestContext, userId: string) {
    try {
      await this.deps.credentials.remove(userId, ctx.requestId);
    } catch (error) {
      this.deps.logger.error("could not take back the credential of a user that did not commit", { userId, error });
    }
  }

  private async createCredentials(ctx: RequestContext, credentials: { userId: string; username: string; password: string }) {
    try {
      await this.deps.credentials.create(credentials, ctx.requestId);
    } catch (error) {
      if (error instanceof InternalCallError && error.status === 400) {
        throw badInput("input.password", error.failure?.message ?? "was rejected by the password policy");
      }
      if (error instanceof InternalCallError && error.status === 409) {
        throw conflict("username", error.failure?.message ?? `Username '${credentials.username}' already has credentials`);
      }
      throw error;
    }
  }
}

function whereOf(filter?: UserFilter | null): Prisma.UserWhereInput {
  const where: Prisma.UserWhereInput = {};
  const search = filter?.search?.trim();
  if (search) {
    if (search.length > MAX_SEARCH) throw badInput("filter.search", `must be at most ${MAX_SEARCH} characters long`);
    where.OR = [{ username: containsText(search) }, { email: containsText(search) }, { displayName: containsText(search) }];
  }
  if (filter?.role) where.roles = { has: filter.role };
  if (filter?.isActive != null) where.isActive = filter.isActive;
  return where;
}

function orderOf(sort?: UserSort | null): Prisma.UserOrderByWithRelationInput[] {
  const direction = prismaOrder(sort?.direction);
  switch (sort?.field ?? UserSortField.USERNAME) {
    case UserSortField.CREATED_AT:
      return [{ createdAt: direction }, { id: direction }];
    case UserSortField.LAST_LOGIN_AT:
      // Never-logged-in users go last either way; username keeps pages stable.
      return [{ lastLoginAt: { sort: direction, nulls: "last" } }, { username: "asc" }];
    default:
      return [{ username: direction }];
  }
}

const isActiveAdmin = (user: UserRow) => user.isActive && user.roles.includes(Role.ADMIN);

/**
 * Serialises changes that can shrink the set of active admins, so two concurrent requests cannot
 * both see "another admin remains" and together remove the last two.
 */
async function lockAdminSet(tx: Tx) {
  await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('opsconductor.users.active-admins'))");
}

async function findForUpdate(tx: Tx, id: string): Promise<UserRow> {
  if (isUuid(id)) {
    const locked = await tx.$queryRawUnsafe<unknown[]>("SELECT 1 FROM users WHERE id = $1::uuid FOR UPDATE", id);
    if (locked.length) {
      const row = await tx.user.findUnique({ where: { id: id.toLowerCase() } });
      if (row) return row;
    }
  }
  throw notFound("User", id);
}

async function assertAnotherActiveAdmin(tx: Tx, exceptId: string, field: string, message: string) {
  const others = await tx.user.count({ where: { isActive: true, roles: { has: Role.ADMIN }, id: { not: exceptId } } });
  if (others === 0) throw conflict(field, message);
}

/** A unique-index violation (a race past assertAvailable) as the CONFLICT naming the field. */
function uniqueConflict(error: unknown) {
  if (!isUniqueViolation(error)) return undefined;
  const meta = (error as { meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: unknown } } } }).meta;
  const hint = JSON.stringify([meta?.target, meta?.driverAdapterError?.cause?.constraint]);
  if (hint.includes("email")) return conflict("email", "Email is already in use");
  if (hint.includes("username")) return conflict("username", "Username is already taken");
  return undefined;
}
