import { badInput, emitEvent, isUuid, notFound, pick, requirePermission, type EventData, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { ConnectionMethod as MethodModel, Prisma, PrismaClient } from "../generated/prisma/client";
import { normalizePort } from "../target/target.validation";
import type { ConnectionMethod } from "./method.type";
import { credentialRule, defaultPort, methodSettings, type MethodInputShape, type MethodSettings } from "./method.validation";

type Tx = Prisma.TransactionClient;
export type MethodRow = MethodModel;
/** What a method's events carry, and the start of its view. */
const SNAPSHOT_FIELDS = ["id", "targetId", "type", "port", "isPrimary", "credentialId"] as const;

export function methodView(row: MethodRow): ConnectionMethod {
  const settings = (row.settings ?? {}) as MethodSettings;
  return {
    ...pick(row, SNAPSHOT_FIELDS),
    username: settings.username ?? null,
    https: settings.https ?? null,
    authType: settings.authType ?? null,
    snmpVersion: settings.snmpVersion ?? null,
    basePath: settings.basePath ?? null,
    tlsVerify: settings.tlsVerify ?? null,
    hostKeyFingerprint: row.hostKeyFingerprint,
    pendingHostKeyFingerprint: row.pendingHostKeyFingerprint,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const snapshot = (row: MethodRow): EventData<"targets.method.added"> => pick(row, SNAPSHOT_FIELDS);
const subject = (row: Pick<MethodRow, "targetId">) => ({ type: "Target", id: row.targetId });

/** Connection methods of targets: per-type settings, a fitting credential, one primary method per target. */
export class MethodService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
  ) {}

  /** Methods of many targets in one query (primary first), for the per-request loader. */
  async byTargetIds(ids: readonly string[]): Promise<Map<string, MethodRow[]>> {
    const rows = await this.prisma.connectionMethod.findMany({
      where: { targetId: { in: [...new Set(ids.filter(isUuid))] } },
      orderBy: [{ isPrimary: "desc" }, { createdAt: "asc" }, { id: "asc" }],
    });
    const map = new Map<string, MethodRow[]>();
    for (const row of rows) map.set(row.targetId, [...(map.get(row.targetId) ?? []), row]);
    return map;
  }

  async add(ctx: RequestContext, targetId: string, input: MethodInputShape): Promise<MethodRow> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(targetId)) throw notFound("Target", targetId);
    if (!input.type) throw badInput("input.type", "is required");
    const type = input.type;
    const settings = methodSettings(type, input);
    const port = input.port == null ? defaultPort(type, settings) : normalizePort(input.port);
    return this.transaction(async (tx) => {
      await this.lockTarget(tx, targetId);
      const credentialId = await this.checkCredential(tx, type, settings, input.credentialId ?? null);
      const existing = await tx.connectionMethod.count({ where: { targetId } });
      const isPrimary = existing === 0 || input.isPrimary === true;
      if (isPrimary) await tx.connectionMethod.updateMany({ where: { targetId, isPrimary: true }, data: { isPrimary: false } });
      const row = await tx.connectionMethod.create({
        data: { targetId, type, port, isPrimary, credentialId, settings: settings as Prisma.InputJsonValue },
      });
      await emitEvent(tx, "targets.method.added", { actor: ctx.actor, subject: subject(row), data: snapshot(row) });
      return row;
    });
  }

  async update(ctx: RequestContext, id: string, input: MethodInputShape): Promise<MethodRow> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(id)) throw notFound("ConnectionMethod", id);
    return this.transaction(async (tx) => {
      const current = await this.lockMethod(tx, id);
      const settings = methodSettings(current.type, input, (current.settings ?? {}) as MethodSettings);
      const port = input.port == null ? current.port : normalizePort(input.port);
      const credentialId = await this.checkCredential(tx, current.type, settings, input.credentialId !== undefined ? input.credentialId : current.credentialId);
      if (input.isPrimary === false && current.isPrimary) throw badInput("input.isPrimary", "make another method primary instead");
      if (input.isPrimary === true && !current.isPrimary) {
        await tx.connectionMethod.updateMany({ where: { targetId: current.targetId, isPrimary: true }, data: { isPrimary: false } });
      }
      // A new port or address family means a different SSH server: its host key is learned again.
      const resetHostKey = port !== current.port ? { hostKeyFingerprint: null, hostKeyAlgorithm: null, pendingHostKeyFingerprint: null, pendingHostKeyAlgorithm: null } : {};
      const row = await tx.connectionMethod.update({
        where: { id },
        data: { port, credentialId, isPrimary: input.isPrimary === true ? true : current.isPrimary, settings: settings as Prisma.InputJsonValue, ...resetHostKey },
      });
      const changed: string[] = (["port", "credentialId", "isPrimary"] as const).filter((field) => row[field] !== current[field]);
      if (JSON.stringify(row.settings) !== JSON.stringify(current.settings)) changed.push("settings");
      await emitEvent(tx, "targets.method.updated", { actor: ctx.actor, subject: subject(row), data: { ...snapshot(row), changed } });
      return row;
    });
  }

  async remove(ctx: RequestContext, id: string): Promise<boolean> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(id)) throw notFound("ConnectionMethod", id);
    await this.transaction(async (tx) => {
      const current = await this.lockMethod(tx, id);
      await tx.connectionMethod.delete({ where: { id } });
      if (current.isPrimary) {
        const next = await tx.connectionMethod.findFirst({ where: { targetId: current.targetId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
        if (next) await tx.connectionMethod.update({ where: { id: next.id }, data: { isPrimary: true } });
      }
      await emitEvent(tx, "targets.method.removed", { actor: ctx.actor, subject: subject(current), data: { id, targetId: current.targetId, type: current.type } });
    });
    return true;
  }

  /**
   * Methods of a target created in `tx` by an import (discovery): validated like `add`, the first one
   * primary, each recorded as `targets.method.added` by `actor`. Bad input throws, undoing the target.
   */
  async addToNewTarget(tx: Tx, actor: RequestContext["actor"], targetId: string, inputs: Array<MethodInputShape & { type: MethodRow["type"] }>): Promise<MethodRow[]> {
    const rows: MethodRow[] = [];
    for (const [index, input] of inputs.entries()) {
      const settings = methodSettings(input.type, input);
      const port = input.port == null ? defaultPort(input.type, settings) : normalizePort(input.port);
      const credentialId = await this.checkCredential(tx, input.type, settings, input.credentialId ?? null);
      const row = await tx.connectionMethod.create({
        data: { targetId, type: input.type, port, isPrimary: index === 0, credentialId, settings: settings as Prisma.InputJsonValue },
      });
      await emitEvent(tx, "targets.method.added", { actor, subject: subject(row), data: snapshot(row) });
      rows.push(row);
    }
    return rows;
  }

  private async checkCredential(tx: Tx, type: MethodRow["type"], settings: MethodSettings, credentialId: string | null): Promise<string | null> {
    const rule = credentialRule(type, settings);
    if (!credentialId) {
      if (rule.required) throw badInput("input.credentialId", `is required for ${type} methods (${rule.types.join(" or ")})`);
      return null;
    }
    if (!isUuid(credentialId)) throw badInput("input.credentialId", "is not a known credential");
    const credential = await tx.credential.findFirst({ where: { id: credentialId, deletedAt: null }, select: { type: true, username: true } });
    if (!credential) throw badInput("input.credentialId", "is not a known credential");
    if (!rule.types.includes(credential.type)) throw badInput("input.credentialId", `a ${type} method needs a ${rule.types.join(" or ")} credential, not ${credential.type}`);
    if (type === "SSH" && !settings.username && !credential.username) throw badInput("input.username", "is required for SSH (on the method or its credential)");
    return credentialId;
  }

  private async lockTarget(tx: Tx, targetId: string) {
    const rows = await tx.$queryRawUnsafe<unknown[]>("SELECT 1 FROM targets WHERE id = $1::uuid AND deleted_at IS NULL FOR UPDATE", targetId);
    if (!rows.length) throw notFound("Target", targetId);
  }

  private async lockMethod(tx: Tx, id: string): Promise<MethodRow> {
    const current = await tx.connectionMethod.findFirst({ where: { id, target: { deletedAt: null } } });
    if (!current) throw notFound("ConnectionMethod", id);
    await this.lockTarget(tx, current.targetId);
    return current;
  }
}
