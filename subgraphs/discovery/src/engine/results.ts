import { randomUUID } from "node:crypto";
import { emitEvent, SYSTEM_ACTOR, type Logger, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma } from "../generated/prisma/client";
import type { HostResult, ScanSink } from "./scanner";

type Tx = Prisma.TransactionClient;

/**
 * Streams a running scan's results into the database in batches (at most `batchHosts` hosts, or
 * every `flushMs`): found hosts with their ports, a `discovery.host.found` event each, and the
 * progress counters, in one transaction per batch. Writes are serialized.
 */
export class ResultWriter implements ScanSink {
  private hosts: HostResult[] = [];
  private hostsDone = 0;
  private hostsUp = 0;
  private portsProbed = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly transaction: Transact<Tx>,
    private readonly scanId: string,
    private readonly options: { attempt: number; batchHosts: number; flushMs: number; logger: Logger; published: () => Promise<void> },
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushMs);
  }

  hostDone(up: boolean, result: HostResult | null): void {
    this.hostsDone++;
    if (up) this.hostsUp++;
    if (result) {
      this.hosts.push(result);
      if (this.hosts.length >= this.options.batchHosts) void this.flush();
    }
  }

  probed(count: number): void {
    this.portsProbed += count;
  }

  /** Writes what is buffered (queued behind any write in progress). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.write()).catch((error: Error) => this.options.logger.error("scan results write failed", { scanId: this.scanId, error: error.message }));
    return this.chain;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    const hosts = this.hosts;
    const counters = { hostsDone: this.hostsDone, hostsUp: this.hostsUp, portsProbed: this.portsProbed };
    if (!hosts.length && !counters.hostsDone && !counters.portsProbed) return;
    this.hosts = [];
    this.hostsDone = this.hostsUp = this.portsProbed = 0;
    const openPorts = hosts.reduce((sum, host) => sum + host.ports.length, 0);
    const now = new Date();
    await this.transaction(
      async (tx) => {
        if (hosts.length) {
          const earlier = await tx.discoveredHost.groupBy({ by: ["address"], where: { address: { in: hosts.map((host) => host.address) } }, _min: { firstSeenAt: true } });
          const firstSeen = new Map(earlier.map((row) => [row.address, row._min.firstSeenAt]));
          const rows = hosts.map((host) => ({ id: randomUUID(), host }));
          await tx.discoveredHost.createMany({
            data: rows.map(({ id, host }) => ({
              id,
              scanId: this.scanId,
              address: host.address,
              hostname: host.hostname,
              snmpSysDescr: host.snmp?.sysDescr ?? null,
              snmpSysName: host.snmp?.sysName ?? null,
              osFamily: host.classification.osFamily,
              osConfidence: host.classification.osConfidence,
              deviceTypeKey: host.classification.deviceTypeKey,
              suggestedMethods: host.classification.suggestedMethods as unknown as Prisma.InputJsonValue,
              firstSeenAt: firstSeen.get(host.address) ?? now,
              lastSeenAt: now,
            })),
          });
          await tx.discoveredPort.createMany({ data: rows.flatMap(({ id, host }) => host.ports.map((port) => ({ ...port, hostId: id }))) });
          for (const { id, host } of rows) {
            await emitEvent(tx, "discovery.host.found", {
              actor: SYSTEM_ACTOR,
              subject: { type: "DiscoveredHost", id },
              data: { scanId: this.scanId, hostId: id, address: host.address, hostname: host.hostname, openPorts: host.ports.map((port) => port.port), osFamily: host.classification.osFamily },
            });
          }
        }
        const updated = await tx.scan.updateMany({
          // Only while the scan is still this attempt's: a re-run (after this worker was given up for dead) owns it now.
          where: { id: this.scanId, status: "RUNNING", runAttempts: this.options.attempt },
          data: {
            hostsDone: { increment: counters.hostsDone },
            hostsUp: { increment: counters.hostsUp },
            portsProbed: { increment: counters.portsProbed },
            openPorts: { increment: openPorts },
          },
        });
        if (!updated.count) throw new Error("the scan is no longer this worker's (finished or re-run elsewhere); results dropped");
      },
      { timeout: 30_000 },
    );
    await this.options.published();
  }
}
