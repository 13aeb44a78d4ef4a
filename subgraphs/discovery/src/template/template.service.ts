import { badInput, cronInstants, findPage, isUniqueViolation, isUuid, normalizeCron, normalizeTimezone, notFound, pick, requirePermission, SYSTEM_ACTOR, userReference, type Logger, type PaginationInput, type RequestContext } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { scanView, type ScanService } from "../scan/scan.service";
import type { Scan, ScanTemplate, ScanTemplateInput, StartScanInput } from "../scan/scan.type";
import { isScheduled, type TemplateScheduler } from "./template-scheduler";

type TemplateRow = Prisma.ScanTemplateGetPayload<object>;
const SCHEDULER_ACTOR = { ...SYSTEM_ACTOR, username: "scheduler" };
export const NEXT_RUNS_MAX = 50;

export function templateView(row: TemplateRow): ScanTemplate {
  return { ...row, createdBy: userReference(row.createdById) };
}

/** The template's scan definition as startScan's input (checked again by the same rules at every tick). */
const asInput = (row: TemplateRow): StartScanInput => ({
  name: row.name,
  ranges: row.ranges,
  exclude: row.exclude,
  ports: row.portSpec,
  hostDiscovery: row.hostDiscovery,
  timeoutMs: row.timeoutMs,
  concurrency: row.concurrency,
  rateLimit: row.rateLimit,
  maxAddresses: row.maxAddresses,
  snmpCredentialId: row.snmpCredentialId,
  snmpPort: row.snmpPort,
});

export type TickOutcome = "STARTED" | "DUPLICATE" | "OVERLAP" | "INACTIVE" | "INVALID";

/**
 * Scan templates: saved scan definitions (validated exactly as startScan, permissions included), each
 * optionally with a cron schedule in an IANA zone. A scheduled tick starts one scan (template id and
 * tick instant are unique on the scans table), unless the template's previous scan is still queued or
 * running (that tick is then left out: scans of one template never overlap).
 */
export class TemplateService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scans: ScanService,
    private readonly scheduler: TemplateScheduler,
    private readonly logger: Logger,
  ) {}

  async list(ctx: RequestContext, pagination?: PaginationInput | null): Promise<{ items: ScanTemplate[]; total: number }> {
    requirePermission(ctx, "discovery:read");
    return findPage(pagination, (page) => this.prisma.scanTemplate.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }], ...page }), () => this.prisma.scanTemplate.count(), templateView);
  }

  async get(ctx: RequestContext, id: string): Promise<ScanTemplate | null> {
    requirePermission(ctx, "discovery:read");
    const row = isUuid(id) ? await this.prisma.scanTemplate.findUnique({ where: { id } }) : null;
    return row ? templateView(row) : null;
  }

  async create(ctx: RequestContext, input: ScanTemplateInput): Promise<ScanTemplate> {
    const user = requirePermission(ctx, "discovery:write");
    const data = this.validate(ctx, input);
    await this.scans.checkSnmpCredential(data, ctx.requestId);
    const row = await this.prisma.scanTemplate.create({ data: { ...data, createdById: isUuid(user.id) ? user.id : null } }).catch(nameTaken);
    await this.scheduler.sync(row);
    return templateView(row);
  }

  /** Replaces the definition and schedule (a changed schedule starts afresh from now). */
  async update(ctx: RequestContext, id: string, input: ScanTemplateInput): Promise<ScanTemplate> {
    requirePermission(ctx, "discovery:write");
    await this.find(id);
    const data = this.validate(ctx, input);
    await this.scans.checkSnmpCredential(data, ctx.requestId);
    const row = await this.prisma.scanTemplate.update({ where: { id }, data }).catch(nameTaken);
    await this.scheduler.sync(row);
    return templateView(row);
  }

  async setEnabled(ctx: RequestContext, id: string, enabled: boolean): Promise<ScanTemplate> {
    requirePermission(ctx, "discovery:write");
    await this.find(id);
    const row = await this.prisma.scanTemplate.update({ where: { id }, data: { enabled } });
    await this.scheduler.sync(row);
    return templateView(row);
  }

  /** Removes the template and its schedule; its scans stay (without the link). */
  async remove(ctx: RequestContext, id: string): Promise<boolean> {
    requirePermission(ctx, "discovery:write");
    await this.find(id);
    await this.prisma.scanTemplate.delete({ where: { id } });
    await this.scheduler.remove(id);
    return true;
  }

  /** Starts a scan of the template now, by the calling user (its raised limit needs system:write again). */
  async startNow(ctx: RequestContext, id: string): Promise<Scan> {
    const user = requirePermission(ctx, "discovery:write");
    const row = await this.find(id);
    const definition = this.scans.validate(asInput(row), user);
    await this.scans.checkSnmpCredential(definition, ctx.requestId);
    const scan = await this.scans.create(definition, { name: row.name, actor: ctx.actor, createdById: isUuid(user.id) ? user.id : null });
    return scanView(scan!);
  }

  /** The schedule's next instants (none when it has no cron or is disabled). */
  nextRuns(template: ScanTemplate, count: number): Date[] {
    if (!Number.isInteger(count) || count < 1 || count > NEXT_RUNS_MAX) throw badInput("count", `must be an integer from 1 to ${NEXT_RUNS_MAX}`);
    if (!isScheduled(template)) return [];
    return cronInstants(template.cron, template.timezone, new Date(), count);
  }

  /** Every scheduled template (for the schedulers' reconcile). */
  scheduled() {
    return this.prisma.scanTemplate.findMany({ where: { enabled: true, cron: { not: null } }, select: { id: true, cron: true, timezone: true, enabled: true } });
  }

  /** One schedule tick: at most one scan per (template, instant), whichever replica handles it. */
  async fire(templateId: string, at: Date): Promise<TickOutcome> {
    const row = isUuid(templateId) ? await this.prisma.scanTemplate.findUnique({ where: { id: templateId } }) : null;
    if (!row || !isScheduled(row)) {
      await this.scheduler.remove(templateId);
      return "INACTIVE";
    }
    const busy = await this.prisma.scan.findFirst({ where: { templateId: row.id, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
    if (busy) {
      this.logger.info("scheduled scan left out: the template's previous scan has not finished", { templateId: row.id, scheduledFor: at.toISOString(), scanId: busy.id });
      return "OVERLAP";
    }
    let definition;
    try {
      // Checked again: the limits may have changed since the template was saved; its raised limit was allowed then.
      definition = this.scans.validate(asInput(row), null);
    } catch (error) {
      this.logger.warn("scheduled scan not started: the template no longer passes the scan rules", { templateId: row.id, error: (error as Error).message });
      return "INVALID";
    }
    const scan = await this.scans.create(definition, { name: row.name, actor: SCHEDULER_ACTOR, createdById: row.createdById, templateId: row.id, scheduledFor: at });
    return scan ? "STARTED" : "DUPLICATE";
  }

  private validate(ctx: RequestContext, input: ScanTemplateInput) {
    const definition = this.scans.validate(input, requirePermission(ctx, "discovery:write"));
    const timezone = normalizeTimezone(input.timezone, "input.timezone");
    const cron = input.cron == null || input.cron.trim() === "" ? null : normalizeCron(input.cron, timezone, "input.cron");
    return {
      ...pick(definition, ["name", "ranges", "exclude", "portSpec", "hostDiscovery"]),
      // What was left out stays out: the settings at each tick fill it in.
      timeoutMs: input.timeoutMs ?? null,
      concurrency: input.concurrency ?? null,
      rateLimit: definition.rateLimit,
      maxAddresses: definition.maxAddresses,
      snmpCredentialId: definition.snmpCredentialId,
      snmpPort: input.snmpPort ?? null,
      cron,
      timezone,
      enabled: input.enabled ?? true,
    };
  }

  private async find(id: string): Promise<TemplateRow> {
    const row = isUuid(id) ? await this.prisma.scanTemplate.findUnique({ where: { id } }) : null;
    if (!row) throw notFound("ScanTemplate", id);
    return row;
  }
}

function nameTaken(error: unknown): never {
  if (isUniqueViolation(error)) throw badInput("input.name", "a scan template with this name exists already");
  throw error;
}
