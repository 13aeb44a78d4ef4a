import { badInput, callInternal, credentialTypeContract, InternalCallError, containsText, emitEvent, forbidden, importDiscoveredTargetsContract, isUniqueViolation, isUuid, liveTopics, notFound, pageArgs, publishLive, requirePermission, SYSTEM_ACTOR, targetsByAddressContract, userReference, withRequiredPermissions, type Actor, type AuthUser, type EventData, type Logger, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Redis } from "ioredis";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { HostDiscovery, type DiscoveredHostStatus } from "../generated/prisma/enums";
import { targetOsType, type OsFamily, type SuggestedMethod as Suggested } from "../engine/classify";
import { cancelChannel, type ScanQueue } from "../engine/queue";
import { parsePorts, parseTargets } from "./ranges";
import type { DiscoveredHost, DiscoveredHostFilter, ImportDefaultsInput, DiscoveryImportReport, Scan, ScanDiff, StartScanInput } from "./scan.type";

type Tx = Prisma.TransactionClient;
type ScanRow = Prisma.ScanGetPayload<object>;
type HostRow = Prisma.DiscoveredHostGetPayload<{ include: { ports: true } }>;

export interface ScanDefinition {
  name: string;
  ranges: string[];
  exclude: string[];
  portSpec: string;
  ports: number[];
  hostDiscovery: HostDiscovery;
  timeoutMs: number;
  concurrency: number;
  rateLimit: number | null;
  hostsTotal: number;
  maxAddresses: number | null;
  snmpCredentialId: string | null;
  snmpPort: number;
}

export interface ScanLimits {
  maxHosts: number;
  allowNonLoopback: boolean;
  defaultConcurrency: number;
  maxConcurrency: number;
}

const NAME_MAX = 100;
/** The highest per-scan limit an administrator may set (a /8). */
export const MAX_ADDRESSES_CEILING = 16_777_216;
const RANGES_MAX = 100;
export const DEFAULT_TIMEOUT_MS = 1_250;

export function scanView(row: ScanRow): Scan {
  return {
    ...row,
    portCount: row.ports.length,
    createdBy: userReference(row.createdById),
    progress: { hostsTotal: row.hostsTotal, hostsDone: row.hostsDone, hostsUp: row.hostsUp, portsProbed: Number(row.portsProbed), openPorts: row.openPorts },
  };
}

export const scanSnapshot = (row: ScanRow): EventData<"discovery.scan.started"> => ({
  id: row.id,
  name: row.name,
  ranges: row.ranges,
  exclude: row.exclude,
  ports: row.portSpec,
  portCount: row.ports.length,
  hostsTotal: row.hostsTotal,
});

const intIn = (value: number | null | undefined, field: string, min: number, max: number, fallback: number | null): number | null => {
  if (value == null) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `must be an integer from ${min} to ${max}`);
  return value;
};

/** Scans and their results: the rules, the permissions and the data (the engine runs in the workers). */
export class ScanService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly queue: ScanQueue,
    private readonly redis: () => Redis,
    private readonly config: { limits: ScanLimits; keyPrefix: string; targetsUrl: string; serviceToken: string; logger: Logger },
  ) {}

  /** Live event for `scanUpdated(scanId)`; best effort (a missed one is caught up by the next). */
  async publish(scanId: string): Promise<void> {
    try {
      await publishLive(this.redis(), this.config.keyPrefix, liveTopics.scanUpdated.channel({ scanId }), { __typename: "Scan", id: scanId });
    } catch (error) {
      this.config.logger.warn("could not publish a scan update", { scanId, error: (error as Error).message });
    }
  }

  async start(ctx: RequestContext, input: StartScanInput): Promise<Scan> {
    const user = requirePermission(ctx, "discovery:write");
    const definition = this.validate(input, user);
    await this.checkSnmpCredential(definition, ctx.requestId);
    // Without a template there is no tick to collide on: a row always results.
    const row = await this.create(definition, { name: definition.name, actor: ctx.actor, createdById: isUuid(user.id) ? user.id : null });
    return scanView(row!);
  }

  /**
   * startScan's rules (also a template's, at save and at each tick): the normalized definition, or
   * BAD_USER_INPUT naming the field. `user` null: a scheduled tick, whose raised limit was allowed when
   * the template was saved; otherwise a limit above SCAN_MAX_HOSTS needs system:write.
   */
  validate(input: StartScanInput, user: AuthUser | null): ScanDefinition {
    const name = input.name.trim();
    if (!name || name.length > NAME_MAX) throw badInput("input.name", `must be 1-${NAME_MAX} characters`);
    if (input.ranges.length > RANGES_MAX) throw badInput("input.ranges", `at most ${RANGES_MAX} ranges per scan`);
    const { limits } = this.config;
    const maxAddresses = intIn(input.maxAddresses, "input.maxAddresses", 1, MAX_ADDRESSES_CEILING, null);
    if (maxAddresses !== null && maxAddresses > limits.maxHosts && user && !user.permissions.includes("system:write")) {
      throw withRequiredPermissions(
        forbidden(`input.maxAddresses: only an administrator (system:write) may raise a scan's size limit above ${limits.maxHosts} addresses (SCAN_MAX_HOSTS)`),
        ["system:write"],
      );
    }
    // A scan's own limit (raised by an administrator, or lowered by anyone) replaces the setting.
    const targets = parseTargets({ ranges: input.ranges, exclude: input.exclude }, { ...limits, maxHosts: maxAddresses ?? limits.maxHosts, raised: maxAddresses !== null });
    const ports = parsePorts(input.ports);
    const timeoutMs = intIn(input.timeoutMs, "input.timeoutMs", 50, 60_000, DEFAULT_TIMEOUT_MS)!;
    const concurrency = intIn(input.concurrency, "input.concurrency", 1, limits.maxConcurrency, limits.defaultConcurrency)!;
    const rateLimit = intIn(input.rateLimit, "input.rateLimit", 1, 1_000_000, null);
    const snmpPort = intIn(input.snmpPort, "input.snmpPort", 1, 65_535, 161)!;
    if (input.snmpCredentialId != null && !isUuid(input.snmpCredentialId)) throw badInput("input.snmpCredentialId", "is not a credential id");
    const ranges = targets.ranges.map((range) => range.text);
    return {
      name,
      ranges,
      exclude: targets.exclude.map((range) => range.text),
      portSpec: input.ports.trim(),
      ports,
      hostDiscovery: input.hostDiscovery ?? HostDiscovery.TCP_PING,
      timeoutMs,
      concurrency,
      rateLimit,
      hostsTotal: targets.hostCount,
      maxAddresses,
      snmpCredentialId: input.snmpCredentialId?.toLowerCase() ?? null,
      snmpPort,
    };
  }

  /** An SNMP credential must exist in targets and be an SNMP community (v2c); its secret is not read here. */
  async checkSnmpCredential(definition: Pick<ScanDefinition, "snmpCredentialId">, requestId?: string): Promise<void> {
    if (!definition.snmpCredentialId) return;
    let type: string;
    try {
      ({ type } = await callInternal(this.config.targetsUrl, credentialTypeContract, { params: { id: definition.snmpCredentialId }, serviceToken: this.config.serviceToken, requestId, retries: 2 }));
    } catch (error) {
      if (error instanceof InternalCallError && error.status === 404) throw badInput("input.snmpCredentialId", "is not a known credential");
      throw error;
    }
    if (type !== "SNMP_COMMUNITY") throw badInput("input.snmpCredentialId", `must be an SNMP_COMMUNITY credential (SNMP v2c), not ${type}`);
  }

  /**
   * Stores a validated scan, audits it (`discovery.scan.started`, with its ranges) and queues it. A
   * scheduled one carries its template and tick; a second scan for the same tick is refused by the
   * unique key (null then: another replica fired it).
   */
  async create(definition: ScanDefinition, by: { name: string; actor: Actor; createdById: string | null; templateId?: string; scheduledFor?: Date }): Promise<ScanRow | null> {
    const { name: _name, ...data } = definition;
    let row: ScanRow;
    try {
      row = await this.transaction(async (tx) => {
        const created = await tx.scan.create({
          data: {
            ...data,
            name: by.name,
            rangesKey: [...data.ranges].sort().join(","),
            createdById: by.createdById,
            templateId: by.templateId ?? null,
            scheduledFor: by.scheduledFor ?? null,
          },
        });
        // Every scan is audited with its ranges, by the user (or the scheduler) who asked for it.
        await emitEvent(tx, "discovery.scan.started", { actor: by.actor, subject: { type: "Scan", id: created.id }, data: scanSnapshot(created) });
        return created;
      });
    } catch (error) {
      if (by.templateId && isUniqueViolation(error)) return null;
      throw error;
    }
    try {
      await this.queue.add(row.id);
    } catch (error) {
      this.config.logger.error("could not queue a scan", { scanId: row.id, error: (error as Error).message });
      await this.finish(row.id, "FAILED", "could not be queued");
      throw error;
    }
    return row;
  }

  async cancel(ctx: RequestContext, id: string): Promise<Scan> {
    requirePermission(ctx, "discovery:write");
    const current = await this.find(id);
    if (current.status === "QUEUED") {
      await this.queue.removeWaiting(id);
      const cancelled = await this.finish(id, "CANCELLED", null, ctx);
      if (cancelled) return scanView(cancelled);
    } else if (current.status === "RUNNING") {
      await this.prisma.scan.updateMany({ where: { id, status: "RUNNING", cancelRequestedAt: null }, data: { cancelRequestedAt: new Date() } });
      await this.redis().publish(cancelChannel(this.config.keyPrefix), id);
      await this.publish(id);
    }
    return scanView(await this.find(id));
  }

  /**
   * Ends a scan that has not ended: status, finish time, the finished event. Returns null when it had
   * ended already (or, with `attempt`, when a later attempt has taken it over).
   */
  async finish(id: string, status: "COMPLETED" | "FAILED" | "CANCELLED", error: string | null, ctx?: RequestContext, attempt?: number): Promise<ScanRow | null> {
    const row = await this.transaction(async (tx) => {
      const now = new Date();
      const changed = await tx.scan.updateMany({
        where: { id, status: { in: ["QUEUED", "RUNNING"] }, ...(attempt !== undefined ? { runAttempts: attempt } : {}) },
        data: { status, error, finishedAt: now, ...(ctx ? { cancelRequestedAt: now } : {}) },
      });
      if (!changed.count) return null;
      const row = await tx.scan.findUniqueOrThrow({ where: { id } });
      await emitEvent(tx, "discovery.scan.finished", {
        actor: ctx?.actor ?? SYSTEM_ACTOR,
        subject: { type: "Scan", id },
        data: {
          ...scanSnapshot(row),
          status,
          hostsDone: row.hostsDone,
          hostsUp: row.hostsUp,
          openPorts: row.openPorts,
          durationMs: row.startedAt ? now.getTime() - row.startedAt.getTime() : null,
        },
      });
      return row;
    });
    if (row) await this.publish(id);
    return row;
  }

  async get(ctx: RequestContext, id: string): Promise<Scan | null> {
    requirePermission(ctx, "discovery:read");
    if (!isUuid(id)) return null;
    const row = await this.prisma.scan.findUnique({ where: { id } });
    return row ? scanView(row) : null;
  }

  async list(ctx: RequestContext, pagination?: PaginationInput | null, templateId?: string | null): Promise<{ items: Scan[]; total: number }> {
    requirePermission(ctx, "discovery:read");
    const { skip, take } = pageArgs(pagination);
    if (templateId != null && !isUuid(templateId)) throw badInput("templateId", "is not a scan template id");
    const where = templateId ? { templateId } : {};
    const [rows, total] = await Promise.all([this.prisma.scan.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "asc" }], skip, take }), this.prisma.scan.count({ where })]);
    return { items: rows.map(scanView), total };
  }

  async hosts(ctx: RequestContext, scanId: string, filter?: DiscoveredHostFilter | null, pagination?: PaginationInput | null): Promise<{ items: DiscoveredHost[]; total: number }> {
    requirePermission(ctx, "discovery:read");
    await this.find(scanId, "scanId");
    const search = filter?.search?.trim();
    const text = search ? containsText(search) : undefined;
    const where: Prisma.DiscoveredHostWhereInput = {
      scanId,
      ...(filter?.status ? { status: filter.status } : {}),
      ...(filter?.osFamily ? { osFamily: filter.osFamily.trim().toUpperCase() } : {}),
      ...(filter?.hasPort != null ? { ports: { some: { port: filter.hasPort } } } : {}),
      ...(text
        ? {
            OR: [
              { address: text },
              { hostname: text },
              { ports: { some: { OR: [{ banner: text }, { httpTitle: text }, { tlsSubject: text }, { httpServer: text }, { service: text }] } } },
            ],
          }
        : {}),
    };
    const { skip, take } = pageArgs(pagination);
    const [rows, total] = await Promise.all([
      // Addresses sort as text here; the page is small and stable.
      this.prisma.discoveredHost.findMany({ where, include: { ports: { orderBy: { port: "asc" } } }, orderBy: [{ address: "asc" }, { id: "asc" }], skip, take }),
      this.prisma.discoveredHost.count({ where }),
    ]);
    const existing = await this.existingAddresses(rows.map((row) => row.address), ctx.requestId);
    return { items: rows.map((row) => hostView(row, existing.has(row.address))), total };
  }

  async ignore(ctx: RequestContext, ids: string[]): Promise<number> {
    requirePermission(ctx, "discovery:write");
    const valid = this.ids(ids);
    const result = await this.prisma.discoveredHost.updateMany({ where: { id: { in: valid }, status: "NEW" }, data: { status: "IGNORED" } });
    return result.count;
  }

  /**
   * Creates a target per host through the targets service (each host whole or not at all there);
   * an address+port that a target has already is reported EXISTS. Needs discovery:write and, as it
   * creates targets, targets:write.
   */
  async importHosts(ctx: RequestContext, ids: string[], defaults?: ImportDefaultsInput | null): Promise<DiscoveryImportReport> {
    requirePermission(ctx, "discovery:write", "targets:write");
    const valid = this.ids(ids);
    if (defaults?.credentialId != null && !isUuid(defaults.credentialId)) throw badInput("defaults.credentialId", "is not a known credential");
    const rows = await this.prisma.discoveredHost.findMany({ where: { id: { in: valid } }, include: { ports: true } });
    const missing = valid.find((id) => !rows.some((row) => row.id === id));
    if (missing) throw badInput("ids", `${missing} is not a discovered host`);
    const targets = rows.map((row) => {
      const methods = (row.suggestedMethods as unknown as Suggested[]) ?? [];
      // The target's port: its primary method's, else the lowest open port.
      const port = methods[0]?.port ?? Math.min(...row.ports.map((open) => open.port));
      return {
        key: row.id,
        name: row.hostname ?? row.address,
        address: row.address,
        port,
        osType: targetOsType(row.osFamily as OsFamily),
        environment: defaults?.environment ?? null,
        tags: defaults?.tags ?? [],
        description: `Discovered by scan ${row.scanId}: open ports ${row.ports.map((port) => port.port).sort((a, b) => a - b).join(", ")}`.slice(0, 1000),
        deviceTypeKey: row.deviceTypeKey,
        methods: methods.map((method) => ({ type: method.type, port: method.port, https: method.type === "HTTP" || method.type === "WINRM" ? method.detail === "HTTPS" : null })),
        credentialId: defaults?.credentialId ?? null,
      };
    });
    if (!targets.length) return { created: 0, existing: 0, failed: 0, results: [] };
    const { results } = await callInternal(this.config.targetsUrl, importDiscoveredTargetsContract, {
      body: { actor: ctx.actor, targets },
      serviceToken: this.config.serviceToken,
      requestId: ctx.requestId,
      timeoutMs: 60_000,
    });
    const created = results.filter((result) => result.status === "CREATED");
    if (created.length) {
      await this.transaction(async (tx) => {
        for (const result of created) {
          const row = rows.find((host) => host.id === result.key)!;
          await tx.discoveredHost.update({ where: { id: row.id }, data: { status: "IMPORTED", importedTargetId: result.targetId } });
          await emitEvent(tx, "discovery.host.imported", {
            actor: ctx.actor,
            subject: { type: "DiscoveredHost", id: row.id },
            data: { scanId: row.scanId, hostId: row.id, address: row.address, targetId: result.targetId! },
          });
        }
      });
    }
    return {
      created: created.length,
      existing: results.filter((result) => result.status === "EXISTS").length,
      failed: results.filter((result) => result.status === "FAILED").length,
      results: results.map((result) => ({
        hostId: result.key,
        address: rows.find((row) => row.id === result.key)!.address,
        status: result.status,
        targetId: result.targetId,
        field: result.field,
        message: result.message,
      })),
    };
  }

  /** The scan against the latest earlier finished scan of the same ranges: hosts and open ports that came and went. */
  async diff(ctx: RequestContext, scanId: string): Promise<ScanDiff> {
    requirePermission(ctx, "discovery:read");
    const scan = await this.find(scanId, "scanId");
    const previous = await this.prisma.scan.findFirst({
      where: { rangesKey: scan.rangesKey, status: "COMPLETED", createdAt: { lt: scan.createdAt }, id: { not: scan.id } },
      orderBy: { createdAt: "desc" },
    });
    const openOf = async (id: string) => {
      const hosts = await this.prisma.discoveredHost.findMany({ where: { scanId: id }, select: { address: true, ports: { select: { port: true } } } });
      return new Map(hosts.map((host) => [host.address, new Set(host.ports.map((port) => port.port))]));
    };
    const now = await openOf(scan.id);
    const before = previous ? await openOf(previous.id) : new Map<string, Set<number>>();
    const changes = (from: Map<string, Set<number>>, to: Map<string, Set<number>>) =>
      [...to].flatMap(([address, ports]) => [...ports].filter((port) => !from.get(address)?.has(port)).map((port) => ({ address, port })));
    return {
      scanId: scan.id,
      previousScanId: previous?.id ?? null,
      newHosts: [...now.keys()].filter((address) => !before.has(address)),
      vanishedHosts: [...before.keys()].filter((address) => !now.has(address)),
      openedPorts: previous ? changes(before, now) : [],
      closedPorts: changes(now, before),
    };
  }

  private ids(ids: string[]): string[] {
    if (!ids.length) throw badInput("ids", "must name at least one host");
    if (ids.length > 500) throw badInput("ids", "at most 500 hosts at once");
    const bad = ids.findIndex((id) => !isUuid(id));
    if (bad >= 0) throw badInput(`ids[${bad}]`, "is not a discovered host id");
    return [...new Set(ids.map((id) => id.toLowerCase()))];
  }

  private async find(id: string, field?: string): Promise<ScanRow> {
    const row = isUuid(id) ? await this.prisma.scan.findUnique({ where: { id } }) : null;
    if (!row) throw field ? badInput(field, "is not a known scan") : notFound("Scan", id);
    return row;
  }

  private async existingAddresses(addresses: string[], requestId: string): Promise<Set<string>> {
    if (!addresses.length) return new Set();
    const { targets } = await callInternal(this.config.targetsUrl, targetsByAddressContract, {
      body: { addresses: [...new Set(addresses)] },
      serviceToken: this.config.serviceToken,
      requestId,
      retries: 2,
    });
    return new Set(targets.map((target) => target.address));
  }
}

export function hostView(row: HostRow, existingTarget: boolean): DiscoveredHost {
  return {
    ...row,
    status: row.status as DiscoveredHostStatus,
    ports: row.ports,
    classification: {
      osFamily: row.osFamily,
      osConfidence: row.osConfidence,
      deviceTypeKey: row.deviceTypeKey,
      suggestedMethods: (row.suggestedMethods as unknown as Suggested[]) ?? [],
    },
    existingTarget,
  };
}
