import { badInput, conflict, emitEvent, isUuid, notFound, pageArgs, prismaOrder, requirePermission, selectedFields, type EventData, type PaginationInput, type RequestContext, type SqlPool, type Transact } from "@opsconductor/kit/subgraph";
import type { GraphQLResolveInfo } from "graphql";
import type { Prisma, PrismaClient, Target as TargetModel } from "../generated/prisma/client";
import type { TargetsContext } from "../context";
import { TargetSortField, type TargetFilter, type TargetSort } from "./target.input";
import { targetColumns, targetIds, targetMatch, targetPage } from "./target.query";
import { changedFields, hostPort, validateCreate, validateUpdate, type TargetInputShape } from "./target.validation";


export type TargetRow = TargetModel;
type Tx = Prisma.TransactionClient;

export interface ListArgs {
  filter?: TargetFilter | null;
  pagination?: PaginationInput | null;
  sort?: TargetSort | null;
}


/** Adds the case-insensitive sort key whenever the name is written. */
export function withNameKey<T extends { name?: string }>(values: T): T & { nameKey?: string } {
  return values.name === undefined ? values : { ...values, nameKey: values.name.toLowerCase() };
}

/** The target as events describe it (no secrets live on a target). */
export function targetSnapshot(row: TargetRow): EventData<"targets.target.created"> {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    port: row.port,
    osType: row.osType,
    environment: row.environment,
    tags: row.tags,
  };
}

export const targetSubject = (row: Pick<TargetRow, "id">) => ({ type: "Target", id: row.id });

/**
 * The inventory's rules: authorization, validation, address:port uniqueness among active targets,
 * and a domain event in the same transaction as every change.
 */
export class TargetService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly sql: SqlPool,
  ) {}

  /** Active targets among the ids (malformed ids are skipped: they cannot exist). */
  async findActiveByIds(ids: readonly string[]): Promise<TargetRow[]> {
    const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    return valid.length ? this.prisma.target.findMany({ where: { id: { in: valid }, deletedAt: null } }) : [];
  }

  async get(ctx: TargetsContext, id: string): Promise<TargetRow | null> {
    requirePermission(ctx, "targets:read");
    return ctx.loaders.target.load(id);
  }

  /** With the resolve info, reads only the columns the query selects on the items (targetColumns). */
  async list(ctx: RequestContext, { filter, pagination, sort }: ListArgs, info?: GraphQLResolveInfo): Promise<{ items: TargetRow[]; total: number }> {
    requirePermission(ctx, "targets:read");
    const order = { field: sort?.field ?? TargetSortField.NAME, descending: prismaOrder(sort?.direction) === "desc" };
    return targetPage(this.sql, targetMatch(filter), order, pageArgs(pagination), targetColumns(info && selectedFields(info, "items")));
  }

  /** Ids of the active targets matching a filter (bulk connection tests, export), at most `limit`. */
  async idsMatching(ctx: RequestContext, filter: TargetFilter | null | undefined, limit = 10_000): Promise<string[]> {
    requirePermission(ctx, "targets:read");
    return targetIds(this.sql, targetMatch(filter), limit);
  }

  async create(ctx: RequestContext, input: TargetInputShape): Promise<TargetRow> {
    const user = requirePermission(ctx, "targets:write");
    const values = validateCreate(input);
    return this.write(
      async (tx) => {
        await this.assertAddressFree(tx, values.address, values.port);
        const deviceTypeId = await this.deviceTypeOf(tx, input.deviceTypeId);
        // created_by_id is a uuid column; a principal without a uuid id (none today) is recorded as unknown.
        const createdById = isUuid(user.id) ? user.id : null;
        const row = await tx.target.create({ data: { ...values, nameKey: values.name.toLowerCase(), createdById, deviceTypeId } });
        await emitEvent(tx, "targets.target.created", { actor: ctx.actor, subject: targetSubject(row), data: targetSnapshot(row) });
        return row;
      },
      () => hostPort(values.address, values.port),
    );
  }

  async update(ctx: RequestContext, id: string, input: TargetInputShape): Promise<TargetRow> {
    requirePermission(ctx, "targets:write");
    const changes = validateUpdate(input);
    if (!isUuid(id)) throw notFound("Target", id);
    let addressInUse = "this address and port";
    return this.write(
      async (tx) => {
        const current = await this.lockActive(tx, id);
        const address = changes.address ?? current.address;
        const port = changes.port ?? current.port;
        addressInUse = hostPort(address, port);
        if (address !== current.address || port !== current.port) await this.assertAddressFree(tx, address, port, id);
        const changed: string[] = changedFields(current, changes);
        const deviceType = input.deviceTypeId === undefined ? {} : { deviceTypeId: await this.deviceTypeOf(tx, input.deviceTypeId) };
        if (deviceType.deviceTypeId !== undefined && deviceType.deviceTypeId !== current.deviceTypeId) changed.push("deviceType");
        const row = await tx.target.update({ where: { id }, data: { ...withNameKey(changes), ...deviceType } });
        await emitEvent(tx, "targets.target.updated", {
          actor: ctx.actor,
          subject: targetSubject(row),
          data: { ...targetSnapshot(row), changed },
        });
        return row;
      },
      () => addressInUse,
    );
  }

  /** Soft delete: the row stays for history, and its address:port becomes free again. */
  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(id)) throw notFound("Target", id);
    await this.write(async (tx) => {
      const current = await this.lockActive(tx, id);
      await tx.target.update({ where: { id }, data: { deletedAt: new Date(), active: null } });
      await emitEvent(tx, "targets.target.deleted", {
        actor: ctx.actor,
        subject: targetSubject(current),
        data: { id: current.id, name: current.name, address: current.address, port: current.port },
      });
    });
    return true;
  }

  /** Brings a soft-deleted target back, if its address:port is still free among active targets. */
  async restore(ctx: RequestContext, id: string): Promise<TargetRow> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(id)) throw notFound("Target", id);
    let addressInUse = "this address and port";
    return this.write(
      async (tx) => {
        await tx.$executeRawUnsafe("SELECT 1 FROM targets WHERE id = $1::uuid FOR UPDATE", id);
        const current = await tx.target.findFirst({ where: { id, deletedAt: { not: null } } });
        if (!current) throw notFound("Deleted target", id);
        addressInUse = hostPort(current.address, current.port);
        await this.assertAddressFree(tx, current.address, current.port, id);
        const row = await tx.target.update({ where: { id }, data: { deletedAt: null, active: true } });
        await emitEvent(tx, "targets.target.restored", { actor: ctx.actor, subject: targetSubject(row), data: targetSnapshot(row) });
        return row;
      },
      () => addressInUse,
    );
  }

  /**
   * One transaction per change. A concurrent write can pass the friendly check and still hit the
   * unique index; that is reported as the same CONFLICT.
   */
  private write<T>(fn: (tx: Tx) => Promise<T>, addressInUse: () => string = () => "this address and port"): Promise<T> {
    return this.transaction(fn, {
      onUniqueViolation: () => conflict("address", `Address ${addressInUse()} is already used by another target`),
    });
  }

  /** Locks the active row so a concurrent update or delete waits for this transaction. */
  private async lockActive(tx: Tx, id: string): Promise<TargetRow> {
    await tx.$executeRawUnsafe("SELECT 1 FROM targets WHERE id = $1::uuid AND deleted_at IS NULL FOR UPDATE", id);
    const current = await tx.target.findFirst({ where: { id, deletedAt: null } });
    if (!current) throw notFound("Target", id);
    return current;
  }

  private async deviceTypeOf(tx: Tx, id: string | null | undefined): Promise<string | null> {
    if (id == null) return null;
    if (!isUuid(id) || !(await tx.deviceType.count({ where: { id } }))) throw badInput("input.deviceTypeId", "is not a known device type");
    return id;
  }

  private async assertAddressFree(tx: Tx, address: string, port: number, exceptId?: string) {
    const existing = await tx.target.findFirst({
      where: { address, port, active: true, ...(exceptId ? { id: { not: exceptId } } : {}) },
      select: { name: true },
    });
    if (existing) {
      throw conflict("address", `Address ${hostPort(address, port)} is already used by target "${existing.name}"`);
    }
  }
}
