import { badInput, conflict, emitEvent, isUuid, notFound, requirePermission, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient, SavedGroup as GroupModel } from "../generated/prisma/client";
import type { TargetFilter } from "../target/target.input";
import type { TargetService } from "../target/target.service";
import { normalizeEnvironment, normalizeTags } from "../target/target.validation";
import type { SavedGroup, SavedGroupInput } from "./group.type";

type Tx = Prisma.TransactionClient;
const CRITERIA = ["search", "tags", "environment", "osType", "deviceTypeId", "namePattern", "healthStatus"] as const;

export const groupView = (row: GroupModel): SavedGroup => ({ ...row, filter: row.filter as TargetFilter });

/** Keeps only the criteria that are set, normalized the way target filters are. */
export function normalizeGroupFilter(filter: TargetFilter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (filter.search?.trim()) out.search = filter.search.trim();
  if (filter.tags?.length) out.tags = normalizeTags(filter.tags, "input.filter.tags");
  if (filter.environment != null) out.environment = normalizeEnvironment(filter.environment, "input.filter.environment");
  if (filter.osType != null) out.osType = filter.osType;
  if (filter.deviceTypeId != null) {
    if (!isUuid(filter.deviceTypeId)) throw badInput("input.filter.deviceTypeId", "must be a device type id");
    out.deviceTypeId = filter.deviceTypeId;
  }
  if (filter.namePattern?.trim()) out.namePattern = filter.namePattern.trim();
  if (filter.healthStatus != null) out.healthStatus = filter.healthStatus;
  if (!CRITERIA.some((key) => out[key] !== undefined)) throw badInput("input.filter", "needs at least one criterion");
  return out;
}

/** Saved groups: named target filters, resolved when read. */
export class GroupService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly targets: TargetService,
  ) {}

  async list(ctx: RequestContext): Promise<SavedGroup[]> {
    requirePermission(ctx, "targets:read");
    return (await this.prisma.savedGroup.findMany({ where: { deletedAt: null }, orderBy: [{ nameKey: "asc" }, { id: "asc" }] })).map(groupView);
  }

  async get(ctx: RequestContext, id: string): Promise<SavedGroup | null> {
    requirePermission(ctx, "targets:read");
    if (!isUuid(id)) return null;
    const row = await this.prisma.savedGroup.findFirst({ where: { id, deletedAt: null } });
    return row ? groupView(row) : null;
  }

  /** The group's current members (ids), for jobs and bulk tests. */
  async memberIds(ctx: RequestContext, id: string): Promise<string[]> {
    const group = await this.get(ctx, id);
    if (!group) throw notFound("SavedGroup", id);
    return this.targets.idsMatching(ctx, group.filter as TargetFilter);
  }

  async create(ctx: RequestContext, input: SavedGroupInput): Promise<SavedGroup> {
    const user = requirePermission(ctx, "targets:write");
    const name = this.name(input.name);
    if (!input.filter) throw badInput("input.filter", "is required");
    const filter = normalizeGroupFilter(input.filter);
    const description = this.description(input.description);
    const row = await this.transaction(
      async (tx) => {
        const created = await tx.savedGroup.create({
          data: { name, nameKey: name.toLowerCase(), description, filter: filter as Prisma.InputJsonValue, createdById: isUuid(user.id) ? user.id : null },
        });
        await emitEvent(tx, "targets.group.created", { actor: ctx.actor, subject: { type: "SavedGroup", id: created.id }, data: { id: created.id, name, filter } });
        return created;
      },
      { onUniqueViolation: () => conflict("input.name", `A saved group named "${name}" exists`) },
    );
    return groupView(row);
  }

  async update(ctx: RequestContext, id: string, input: SavedGroupInput): Promise<SavedGroup> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(id)) throw notFound("SavedGroup", id);
    const name = input.name == null ? undefined : this.name(input.name);
    const filter = input.filter ? normalizeGroupFilter(input.filter) : undefined;
    const row = await this.transaction(
      async (tx) => {
        const current = await tx.savedGroup.findFirst({ where: { id, deletedAt: null } });
        if (!current) throw notFound("SavedGroup", id);
        const updated = await tx.savedGroup.update({
          where: { id },
          data: {
            ...(name ? { name, nameKey: name.toLowerCase() } : {}),
            ...(input.description !== undefined ? { description: this.description(input.description) } : {}),
            ...(filter ? { filter: filter as Prisma.InputJsonValue } : {}),
          },
        });
        await emitEvent(tx, "targets.group.updated", {
          actor: ctx.actor,
          subject: { type: "SavedGroup", id },
          data: { id, name: updated.name, filter: updated.filter as Record<string, unknown> },
        });
        return updated;
      },
      { onUniqueViolation: () => conflict("input.name", `A saved group named "${name}" exists`) },
    );
    return groupView(row);
  }

  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(id)) throw notFound("SavedGroup", id);
    await this.transaction(async (tx) => {
      const current = await tx.savedGroup.findFirst({ where: { id, deletedAt: null } });
      if (!current) throw notFound("SavedGroup", id);
      await tx.savedGroup.update({ where: { id }, data: { deletedAt: new Date(), active: null } });
      await emitEvent(tx, "targets.group.deleted", { actor: ctx.actor, subject: { type: "SavedGroup", id }, data: { id, name: current.name } });
    });
    return true;
  }

  private name(value: string | null | undefined): string {
    const name = (value ?? "").trim();
    if (!name || name.length > 100) throw badInput("input.name", "must be 1-100 characters");
    return name;
  }

  private description(value: string | null | undefined): string | null {
    const description = value?.trim() || null;
    if (description && description.length > 1000) throw badInput("input.description", "must be at most 1000 characters");
    return description;
  }
}
