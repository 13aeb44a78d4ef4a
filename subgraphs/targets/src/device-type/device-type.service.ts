import { badInput, conflict, emitEvent, isUuid, notFound, requirePermission, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { DeviceType as DeviceTypeModel, Prisma, PrismaClient } from "../generated/prisma/client";
import { ConnectionMethodType } from "../generated/prisma/enums";
import { normalizePort } from "../target/target.validation";
import { BUILT_IN_DEVICE_TYPES, type DefaultMethod } from "./device-type.registry";
import type { DeviceType, DeviceTypeInput } from "./device-type.type";

type Tx = Prisma.TransactionClient;
const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

export const deviceTypeView = (row: DeviceTypeModel): DeviceType => ({ ...row, defaultMethods: (row.defaultMethods ?? []) as unknown as DefaultMethod[] });
const snapshot = (row: DeviceTypeModel) => ({ id: row.id, key: row.key, name: row.name, category: row.category });

function normalize(input: DeviceTypeInput, creating: boolean) {
  const out: { key?: string; name?: string; category?: string; defaultMethods?: DefaultMethod[] } = {};
  if (creating || input.key != null) {
    const key = (input.key ?? "").trim().toLowerCase();
    if (!SLUG.test(key)) throw badInput("input.key", "must be 1-40 characters of a-z, 0-9 and '-'");
    out.key = key;
  }
  if (creating || input.name != null) {
    const name = (input.name ?? "").trim();
    if (!name || name.length > 100) throw badInput("input.name", "must be 1-100 characters");
    out.name = name;
  }
  if (creating || input.category != null) {
    const category = (input.category ?? "").trim().toLowerCase();
    if (!SLUG.test(category)) throw badInput("input.category", "must be 1-40 characters of a-z, 0-9 and '-'");
    out.category = category;
  }
  if (input.defaultMethods != null) {
    if (input.defaultMethods.length > 5) throw badInput("input.defaultMethods", "at most 5");
    out.defaultMethods = input.defaultMethods.map((method) => {
      if (!Object.values(ConnectionMethodType).includes(method.type)) throw badInput("input.defaultMethods.type", "is not a method type");
      return { type: method.type, port: normalizePort(method.port, "input.defaultMethods.port") };
    });
  }
  return out;
}

/** The device type registry: built-ins ensured at start, admins (system:write) add and edit. */
export class DeviceTypeService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
  ) {}

  /** Inserts the built-in types that are missing; never overwrites an edited one. */
  async ensureBuiltIns() {
    await this.prisma.deviceType.createMany({
      data: BUILT_IN_DEVICE_TYPES.map((type) => ({ ...type, defaultMethods: type.defaultMethods as unknown as Prisma.InputJsonValue, builtIn: true })),
      skipDuplicates: true,
    });
  }

  async list(ctx: RequestContext): Promise<DeviceType[]> {
    requirePermission(ctx, "targets:read");
    return (await this.prisma.deviceType.findMany({ orderBy: [{ category: "asc" }, { name: "asc" }] })).map(deviceTypeView);
  }

  async findByIds(ids: readonly string[]): Promise<DeviceType[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? (await this.prisma.deviceType.findMany({ where: { id: { in: valid } } })).map(deviceTypeView) : [];
  }

  async create(ctx: RequestContext, input: DeviceTypeInput): Promise<DeviceType> {
    requirePermission(ctx, "system:write");
    const values = normalize(input, true);
    const row = await this.transaction(
      async (tx) => {
        const created = await tx.deviceType.create({
          data: { key: values.key!, name: values.name!, category: values.category!, defaultMethods: (values.defaultMethods ?? []) as unknown as Prisma.InputJsonValue },
        });
        await emitEvent(tx, "targets.device-type.created", { actor: ctx.actor, subject: { type: "DeviceType", id: created.id }, data: snapshot(created) });
        return created;
      },
      { onUniqueViolation: () => conflict("input.key", `A device type with key "${values.key}" exists`) },
    );
    return deviceTypeView(row);
  }

  async update(ctx: RequestContext, id: string, input: DeviceTypeInput): Promise<DeviceType> {
    requirePermission(ctx, "system:write");
    if (!isUuid(id)) throw notFound("DeviceType", id);
    const values = normalize(input, false);
    const row = await this.transaction(
      async (tx) => {
        const current = await tx.deviceType.findUnique({ where: { id } });
        if (!current) throw notFound("DeviceType", id);
        if (current.builtIn && values.key && values.key !== current.key) throw badInput("input.key", "built-in device types keep their key");
        const updated = await tx.deviceType.update({
          where: { id },
          data: {
            key: values.key,
            name: values.name,
            category: values.category,
            ...(values.defaultMethods ? { defaultMethods: values.defaultMethods as unknown as Prisma.InputJsonValue } : {}),
          },
        });
        const changed: string[] = (["key", "name", "category"] as const).filter((field) => updated[field] !== current[field]);
        if (JSON.stringify(updated.defaultMethods) !== JSON.stringify(current.defaultMethods)) changed.push("defaultMethods");
        await emitEvent(tx, "targets.device-type.updated", { actor: ctx.actor, subject: { type: "DeviceType", id }, data: { ...snapshot(updated), changed } });
        return updated;
      },
      { onUniqueViolation: () => conflict("input.key", `A device type with key "${values.key}" exists`) },
    );
    return deviceTypeView(row);
  }

  /** Sets (or clears with null) a target's device type. */
  async assign(ctx: RequestContext, targetId: string, deviceTypeId: string | null) {
    requirePermission(ctx, "targets:write");
    if (!isUuid(targetId)) throw notFound("Target", targetId);
    if (deviceTypeId !== null && !(isUuid(deviceTypeId) && (await this.prisma.deviceType.count({ where: { id: deviceTypeId } })))) {
      throw badInput("deviceTypeId", "is not a known device type");
    }
    return this.transaction(async (tx) => {
      const current = await tx.target.findFirst({ where: { id: targetId, deletedAt: null } });
      if (!current) throw notFound("Target", targetId);
      const row = await tx.target.update({ where: { id: targetId }, data: { deviceTypeId } });
      await emitEvent(tx, "targets.target.updated", {
        actor: ctx.actor,
        subject: { type: "Target", id: row.id },
        data: { id: row.id, name: row.name, address: row.address, port: row.port, osType: row.osType, environment: row.environment, tags: row.tags, changed: ["deviceType"] },
      });
      return row;
    });
  }
}
