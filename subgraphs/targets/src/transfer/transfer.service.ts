import { randomUUID } from "node:crypto";
import { badInput, conflict, emitEvent, isUuid, requirePermission, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { GraphQLError } from "graphql";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { TargetFilter } from "../target/target.input";
import { targetSnapshot, targetSubject, type TargetService } from "../target/target.service";
import { hostPort, validateCreate, type TargetValues } from "../target/target.validation";
import { TransferFormat, type ImportProblem, type ImportReport, type TargetExport } from "./transfer.type";

type Tx = Prisma.TransactionClient;

export const IMPORT_MAX_ROWS = 5_000;
export const EXPORT_MAX_ROWS = 50_000;
/** Columns an import reads; an export writes these plus the read-only ones. */
const IMPORT_COLUMNS = ["name", "address", "port", "osType", "environment", "tags", "description", "deviceType"] as const;
const READ_ONLY_COLUMNS = ["serialNumber", "healthStatus", "lastCheckedAt"] as const;
const KNOWN = new Set<string>([...IMPORT_COLUMNS, ...READ_ONLY_COLUMNS]);

type RawRow = Record<string, unknown>;

function problemOf(row: number, error: unknown): ImportProblem {
  if (error instanceof GraphQLError) {
    const field = String(error.extensions.field ?? "row").replace(/^input\./, "");
    return { row, field, message: error.message.replace(/^input\.[A-Za-z]+: /, "") };
  }
  throw error;
}

/** The rows of the file as plain objects, or a problem with the file itself (row 0). */
function readRows(format: TransferFormat, content: string): RawRow[] | ImportProblem {
  if (format === TransferFormat.JSON) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      return { row: 0, field: "content", message: `is not valid JSON: ${(error as Error).message}` };
    }
    if (!Array.isArray(parsed)) return { row: 0, field: "content", message: "must be a JSON array of targets" };
    return parsed.map((item) => (item && typeof item === "object" && !Array.isArray(item) ? (item as RawRow) : { __invalid: true }));
  }
  try {
    return parse(content, { columns: (header: string[]) => header.map((name) => name.trim()), skip_empty_lines: true, trim: true, bom: true }) as RawRow[];
  } catch (error) {
    return { row: 0, field: "content", message: `is not valid CSV: ${(error as Error).message}` };
  }
}

const text = (value: unknown) => (value === undefined || value === null || value === "" ? undefined : String(value));

/** One row as a create input: CSV cells are text (tags split on ';' or '|'), JSON keeps its types. */
function toInput(raw: RawRow, format: TransferFormat) {
  const port = raw.port;
  const tags = raw.tags;
  return {
    name: text(raw.name) ?? null,
    address: text(raw.address) ?? null,
    port: port === undefined || port === null || port === "" ? undefined : typeof port === "number" ? port : /^\d+$/.test(String(port).trim()) ? Number(port) : Number.NaN,
    osType: (text(raw.osType)?.toUpperCase() as TargetValues["osType"] | undefined) ?? undefined,
    environment: text(raw.environment),
    tags:
      tags === undefined || tags === null || tags === ""
        ? undefined
        : format === TransferFormat.JSON && Array.isArray(tags)
          ? tags.map(String)
          : String(tags).split(/[;|]/).map((tag) => tag.trim()).filter(Boolean),
    description: text(raw.description) ?? null,
  };
}

/** CSV/JSON import (validated row by row, all or nothing) and export (no secrets: targets hold none). */
export class TransferService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly targets: TargetService,
  ) {}

  async importTargets(ctx: RequestContext, input: { format: TransferFormat; content: string; dryRun: boolean }): Promise<ImportReport> {
    const user = requirePermission(ctx, "targets:write");
    const report = (errors: ImportProblem[], total = 0, valid = 0, created = 0): ImportReport => ({ ok: errors.length === 0, dryRun: input.dryRun, total, valid, created, errors });
    const rows = readRows(input.format, input.content);
    if (!Array.isArray(rows)) return report([rows]);
    if (rows.length > IMPORT_MAX_ROWS) return report([{ row: 0, field: "content", message: `has ${rows.length} rows; at most ${IMPORT_MAX_ROWS} per import` }], rows.length);
    if (!rows.length) return report([{ row: 0, field: "content", message: "has no rows" }]);

    const errors: ImportProblem[] = [];
    const columns = new Set(rows.flatMap((row) => Object.keys(row)));
    for (const column of columns) {
      if (column !== "__invalid" && !KNOWN.has(column)) errors.push({ row: 0, field: column, message: `unknown column (expected ${IMPORT_COLUMNS.join(", ")})` });
    }
    const deviceTypes = new Map((await this.prisma.deviceType.findMany({ select: { id: true, key: true } })).map((type) => [type.key, type.id]));
    const seen = new Map<string, number>();
    const valid: Array<{ row: number; values: TargetValues; deviceTypeId: string | null }> = [];
    rows.forEach((raw, index) => {
      const row = index + 1;
      if (raw.__invalid) return errors.push({ row, field: "row", message: "must be an object" });
      let values: TargetValues;
      try {
        values = validateCreate(toInput(raw, input.format));
      } catch (error) {
        return errors.push(problemOf(row, error));
      }
      const deviceKey = text(raw.deviceType)?.toLowerCase();
      const deviceTypeId = deviceKey ? (deviceTypes.get(deviceKey) ?? null) : null;
      if (deviceKey && !deviceTypeId) return errors.push({ row, field: "deviceType", message: `"${deviceKey}" is not a known device type key` });
      const key = hostPort(values.address, values.port);
      const first = seen.get(key);
      if (first !== undefined) return errors.push({ row, field: "address", message: `${key} is already used by row ${first} of this file` });
      seen.set(key, row);
      valid.push({ row, values, deviceTypeId });
    });
    // Addresses already used by active targets, in one query.
    if (valid.length) {
      const taken = await this.prisma.target.findMany({
        where: { active: true, OR: valid.map(({ values }) => ({ address: values.address, port: values.port })) },
        select: { address: true, port: true, name: true },
      });
      const byKey = new Map(taken.map((target) => [hostPort(target.address, target.port), target.name]));
      for (const { row, values } of valid) {
        const name = byKey.get(hostPort(values.address, values.port));
        if (name !== undefined) errors.push({ row, field: "address", message: `${hostPort(values.address, values.port)} is already used by target "${name}"` });
      }
    }
    errors.sort((a, b) => a.row - b.row || a.field.localeCompare(b.field));
    const validCount = rows.length - new Set(errors.filter((error) => error.row > 0).map((error) => error.row)).size;
    if (errors.length || input.dryRun) return report(errors, rows.length, validCount);

    const createdById = isUuid(user.id) ? user.id : null;
    const data = valid.map(({ values, deviceTypeId }) => ({ id: randomUUID(), ...values, nameKey: values.name.toLowerCase(), createdById, deviceTypeId }));
    await this.transaction(
      async (tx) => {
        await tx.target.createMany({ data });
        const created = await tx.target.findMany({ where: { id: { in: data.map((row) => row.id) } } });
        for (const row of created) {
          await emitEvent(tx, "targets.target.created", { actor: ctx.actor, subject: targetSubject(row), data: targetSnapshot(row) });
        }
        await emitEvent(tx, "targets.import.completed", {
          actor: ctx.actor,
          subject: { type: "TargetImport", id: randomUUID() },
          data: { created: created.length, format: input.format },
        });
      },
      { timeout: 60_000, onUniqueViolation: () => conflict("content", "another change took one of the addresses meanwhile; nothing was imported, run the import again") },
    );
    return report([], rows.length, validCount, data.length);
  }

  async exportTargets(ctx: RequestContext, format: TransferFormat, filter?: TargetFilter | null): Promise<TargetExport> {
    requirePermission(ctx, "targets:read");
    const ids = await this.targets.idsMatching(ctx, filter, EXPORT_MAX_ROWS + 1);
    if (ids.length > EXPORT_MAX_ROWS) throw badInput("filter", `matches more than ${EXPORT_MAX_ROWS} targets; export at most ${EXPORT_MAX_ROWS} at once`);
    const rows = await this.prisma.target.findMany({ where: { id: { in: ids } }, orderBy: [{ nameKey: "asc" }, { id: "asc" }], include: { deviceType: { select: { key: true } } } });
    const records = rows.map((row) => ({
      name: row.name,
      address: row.address,
      port: row.port,
      osType: row.osType,
      environment: row.environment,
      tags: row.tags,
      description: row.description,
      deviceType: row.deviceType?.key ?? null,
      serialNumber: `TGT-${String(row.serial).padStart(6, "0")}`,
      healthStatus: row.healthStatus,
      lastCheckedAt: row.lastCheckedAt?.toISOString() ?? null,
    }));
    if (format === TransferFormat.JSON) {
      return { format, contentType: "application/json", count: records.length, content: JSON.stringify(records, null, 2) };
    }
    const content = stringify(
      records.map((record) => ({ ...record, tags: record.tags.join(";"), description: record.description ?? "", deviceType: record.deviceType ?? "", lastCheckedAt: record.lastCheckedAt ?? "" })),
      { header: true, columns: [...IMPORT_COLUMNS, ...READ_ONLY_COLUMNS] },
    );
    return { format, contentType: "text/csv", count: records.length, content };
  }
}
