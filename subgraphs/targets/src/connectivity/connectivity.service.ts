import { isIPv4 } from "node:net";
import {
  badInput,
  emitEvent,
  isUuid,
  liveTopics,
  notFound,
  publishLive,
  requirePermission,
  SYSTEM_ACTOR,
  type Actor,
  type LivePublisher,
  type Logger,
  type RequestContext,
  type Transact,
} from "@opsconductor/kit/subgraph";
import type { ConnectionCheck, ConnectionTestBatch, Prisma, PrismaClient, Target } from "../generated/prisma/client";
import type { HealthStatus } from "../generated/prisma/enums";
import type { CredentialService, OpenedCredential } from "../credential/credential.service";
import { DecryptionError } from "../credential/keyring";
import type { MethodRow } from "../method/method.service";
import type { MethodSettings } from "../method/method.validation";
import { probe, type ProbeRequest, type ProbeResult } from "./probe";
import type { SnmpV3Login } from "./snmp";

type Tx = Prisma.TransactionClient;

export const HISTORY_LIMIT = 100;
export const BATCH_MAX = 10_000;

export interface ConnectivityOptions {
  timeoutMs: number;
  warningLatencyMs: number;
  concurrency: number;
  /**
   * A running batch whose heartbeat is older than this (seconds) is taken as interrupted: its process
   * died. Running batches are heartbeated every quarter of it; the reaper looks every half of it.
   */
  staleBatchSeconds: number;
  /** Where batch progress is announced for the gateway's connectionTestBatchUpdated subscriptions (kit live.ts). */
  live?: { redis: LivePublisher; prefix: string };
}

/** An address that can only mean this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(address: string): boolean {
  if (address === "localhost" || address === "::1") return true;
  return isIPv4(address) && address.startsWith("127.");
}

export function healthOf(result: Pick<ProbeResult, "ok" | "latencyMs">, warningLatencyMs: number): HealthStatus {
  if (!result.ok) return "CRITICAL";
  return result.latencyMs > warningLatencyMs ? "WARNING" : "HEALTHY";
}

/**
 * Connectivity tests: a real connection per target (primary method, else the first, else TCP to the
 * target's own port), SSH host keys trusted on first use, health status and a bounded history, and
 * bulk tests that run in the background with bounded concurrency and count their progress.
 */
export class ConnectivityService {
  private readonly running = new Set<Promise<unknown>>();
  /** The batches this process is running; `lost` once the batch was finished by someone else (a reaper). */
  private readonly active = new Map<string, { lost: boolean }>();
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly credentials: CredentialService,
    private readonly logger: Logger,
    private readonly options: ConnectivityOptions,
  ) {}

  async test(ctx: RequestContext, targetId: string, methodId?: string | null): Promise<ConnectionCheck> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(targetId)) throw notFound("Target", targetId);
    const target = await this.prisma.target.findFirst({ where: { id: targetId, deletedAt: null } });
    if (!target) throw notFound("Target", targetId);
    if (methodId != null && !isUuid(methodId)) throw badInput("methodId", "is not a method of this target");
    return this.check(target, ctx.actor, { methodId: methodId ?? null, batchId: null, requestId: ctx.requestId });
  }

  /** Starts a bulk test over the targets and returns the batch at once; poll connectionTestBatch(id). */
  async startBatch(ctx: RequestContext, targetIds: string[]): Promise<ConnectionTestBatch> {
    const user = requirePermission(ctx, "targets:write");
    const ids = [...new Set(targetIds.filter(isUuid).map((id) => id.toLowerCase()))];
    if (ids.length > BATCH_MAX) throw badInput("targetIds", `at most ${BATCH_MAX} targets per batch`);
    const targets = ids.length ? await this.prisma.target.findMany({ where: { id: { in: ids }, deletedAt: null } }) : [];
    if (!targets.length) throw badInput("targetIds", "matches no active target");
    const batch = await this.transaction(async (tx) => {
      const row = await tx.connectionTestBatch.create({
        data: { total: targets.length, targetIds: targets.map((target) => target.id), createdById: isUuid(user.id) ? user.id : null, heartbeatAt: new Date() },
      });
      await emitEvent(tx, "targets.batch.started", { actor: ctx.actor, subject: { type: "ConnectionTestBatch", id: row.id }, data: { id: row.id, total: row.total } });
      return row;
    });
    this.track(this.runBatch(batch.id, targets, ctx.actor, ctx.requestId));
    return batch;
  }

  async batch(ctx: RequestContext, id: string): Promise<ConnectionTestBatch | null> {
    requirePermission(ctx, "targets:read");
    if (!isUuid(id)) return null;
    return this.prisma.connectionTestBatch.findUnique({ where: { id } });
  }

  batchResults(batchId: string): Promise<ConnectionCheck[]> {
    return this.prisma.connectionCheck.findMany({ where: { batchId }, orderBy: { checkedAt: "asc" } });
  }

  history(targetId: string, limit = HISTORY_LIMIT): Promise<ConnectionCheck[]> {
    return this.prisma.connectionCheck.findMany({ where: { targetId }, orderBy: [{ checkedAt: "desc" }, { id: "asc" }], take: Math.min(Math.max(limit, 1), HISTORY_LIMIT) });
  }

  /** The operator trusts the SSH host key last seen on the method (after a HOST_KEY_MISMATCH). */
  async acceptHostKey(ctx: RequestContext, methodId: string): Promise<MethodRow> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(methodId)) throw notFound("ConnectionMethod", methodId);
    return this.transaction(async (tx) => {
      const method = await tx.connectionMethod.findFirst({ where: { id: methodId, target: { deletedAt: null } }, include: { target: true } });
      if (!method) throw notFound("ConnectionMethod", methodId);
      if (!method.pendingHostKeyFingerprint) throw badInput("methodId", "has no new host key to accept");
      const row = await tx.connectionMethod.update({
        where: { id: methodId },
        data: {
          hostKeyFingerprint: method.pendingHostKeyFingerprint,
          hostKeyAlgorithm: method.pendingHostKeyAlgorithm,
          pendingHostKeyFingerprint: null,
          pendingHostKeyAlgorithm: null,
        },
      });
      await emitEvent(tx, "targets.hostkey.accepted", {
        actor: ctx.actor,
        subject: { type: "Target", id: method.targetId },
        data: {
          targetId: method.targetId,
          methodId,
          address: method.target.address,
          port: method.port,
          expectedFingerprint: method.hostKeyFingerprint,
          presentedFingerprint: method.pendingHostKeyFingerprint,
        },
      });
      return row;
    });
  }

  /**
   * One periodic run (BullMQ job): every active target, except that addresses outside 127.0.0.0/8
   * are skipped unless nonLoopback, recorded as a batch like a bulk test.
   */
  async runPeriodic(options: { nonLoopback: boolean }): Promise<{ batchId: string | null; checked: number; skipped: number }> {
    // Periodic runs add a batch per interval; keep a week of them (their check rows stay in the history).
    await this.prisma.connectionTestBatch.deleteMany({ where: { createdById: null, createdAt: { lt: new Date(Date.now() - 7 * 86_400_000) } } });
    const targets = await this.prisma.target.findMany({ where: { deletedAt: null }, orderBy: { id: "asc" } });
    const eligible = options.nonLoopback ? targets : targets.filter((target) => isLoopback(target.address));
    const skipped = targets.length - eligible.length;
    if (!eligible.length || this.stopping) return { batchId: null, checked: 0, skipped };
    const batch = await this.transaction(async (tx) => {
      const row = await tx.connectionTestBatch.create({ data: { total: eligible.length, targetIds: eligible.map((target) => target.id), heartbeatAt: new Date() } });
      await emitEvent(tx, "targets.batch.started", { actor: SYSTEM_ACTOR, subject: { type: "ConnectionTestBatch", id: row.id }, data: { id: row.id, total: row.total } });
      return row;
    });
    await this.runBatch(batch.id, eligible, SYSTEM_ACTOR, null);
    return { batchId: batch.id, checked: eligible.length, skipped };
  }

  /**
   * Starts the heartbeat of this process's running batches and the reaper of everyone's interrupted
   * ones: a first sweep a moment after start (batches left by a process that crashed before this one
   * started; late enough that the server listens when subscribers re-query), then periodically.
   * Safe in every replica at once: each batch is finished once, under a row lock.
   */
  start() {
    const stale = this.options.staleBatchSeconds;
    const sweep = () => {
      if (this.stopping) return;
      void this.reap().catch((error: Error) => this.logger.error("connection test batch reaper failed", { error: error.message }));
    };
    const beat = setInterval(() => {
      void this.heartbeat().catch((error: Error) => this.logger.warn("connection test batch heartbeat failed", { error: error.message }));
    }, Math.max(250, (stale * 1000) / 4));
    const first = setTimeout(sweep, 1_000);
    const reap = setInterval(sweep, Math.max(500, (stale * 1000) / 2));
    for (const timer of [beat, first, reap]) timer.unref();
    this.timers = [beat, first, reap];
  }

  /**
   * Waits for background batches (at shutdown): their workers finish the target in hand, start no
   * other, and the batch is finished at once with the untested targets INTERRUPTED.
   */
  async stop() {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  /**
   * Finishes every unfinished batch whose heartbeat is older than staleBatchSeconds (its process
   * died): each untested target gets an INTERRUPTED result, the counts are recomputed from the
   * results, and subscribers are told. Returns the batches it finished.
   */
  async reap(): Promise<string[]> {
    const stale = await this.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT id FROM connection_test_batches
        WHERE finished_at IS NULL AND COALESCE(heartbeat_at, created_at) < (now() AT TIME ZONE 'UTC') - make_interval(secs => $1::int)
        ORDER BY created_at LIMIT 100`,
      this.options.staleBatchSeconds,
    );
    const reaped: string[] = [];
    for (const { id } of stale) {
      // This process's own batch is alive whatever its heartbeat says (a slow database, not a crash).
      if (this.active.has(id)) continue;
      const seconds = this.options.staleBatchSeconds;
      const reason = `interrupted: the process running this batch stopped (no heartbeat for over ${seconds} s) before these targets were tested; run the test again`;
      if (await this.finishBatch(id, reason, { staleSeconds: seconds })) reaped.push(id);
    }
    if (reaped.length) this.logger.warn("finished interrupted connection test batches", { batchIds: reaped });
    return reaped;
  }

  /** Proves this process's running batches alive; a batch finished meanwhile by a reaper is marked lost so its workers stop. */
  private async heartbeat() {
    const ids = [...this.active.keys()];
    if (!ids.length) return;
    const alive = await this.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `UPDATE connection_test_batches SET heartbeat_at = now() AT TIME ZONE 'UTC' WHERE id = ANY($1::uuid[]) AND finished_at IS NULL RETURNING id`,
      ids,
    );
    const current = new Set(alive.map((row) => row.id));
    for (const id of ids) {
      const state = this.active.get(id);
      if (state && !current.has(id)) state.lost = true;
    }
  }

  /**
   * Finishes a batch that is not finished yet (row-locked, so two reapers never both do it): targets
   * without a result get an INTERRUPTED one with the reason, and done/ok/failed are recomputed from
   * the results. With staleSeconds, only while its heartbeat is still that old. Announces the change.
   */
  private async finishBatch(batchId: string, reason: string, options: { staleSeconds?: number } = {}): Promise<boolean> {
    const finished = await this.transaction(async (tx) => {
      const locked = await tx.$queryRawUnsafe<Array<{ total: number }>>(
        `SELECT total FROM connection_test_batches
          WHERE id = $1::uuid AND finished_at IS NULL
            AND ($2::int IS NULL OR COALESCE(heartbeat_at, created_at) < (now() AT TIME ZONE 'UTC') - make_interval(secs => $2::int))
          FOR UPDATE SKIP LOCKED`,
        batchId,
        options.staleSeconds ?? null,
      );
      if (!locked.length) return false;
      const interrupted = await tx.$executeRawUnsafe(
        `INSERT INTO connection_checks (id, target_id, batch_id, ok, error_category, message, checked_at)
         SELECT gen_random_uuid(), t.id, b.id, false, 'INTERRUPTED', $2, now() AT TIME ZONE 'UTC'
           FROM connection_test_batches b JOIN targets t ON t.id = ANY(b.target_ids)
          WHERE b.id = $1::uuid AND NOT EXISTS (SELECT 1 FROM connection_checks c WHERE c.batch_id = b.id AND c.target_id = t.id)`,
        batchId,
        reason.slice(0, 500),
      );
      await tx.$executeRawUnsafe(
        `UPDATE connection_test_batches b
            SET done = b.total, ok = LEAST(s.ok, b.total), failed = b.total - LEAST(s.ok, b.total),
                finished_at = now() AT TIME ZONE 'UTC', error = $2
           FROM (SELECT count(DISTINCT target_id) FILTER (WHERE ok)::int AS ok FROM connection_checks WHERE batch_id = $1::uuid) s
          WHERE b.id = $1::uuid`,
        batchId,
        interrupted > 0 ? `${interrupted} of ${locked[0].total} targets not tested: ${reason}`.slice(0, 1000) : null,
      );
      if (interrupted > 0) {
        await emitEvent(tx, "targets.batch.interrupted", {
          actor: SYSTEM_ACTOR,
          subject: { type: "ConnectionTestBatch", id: batchId },
          data: { id: batchId, total: locked[0].total, interrupted, reason },
        });
      }
      return true;
    });
    if (finished) await this.announce(batchId);
    return finished;
  }

  private track(work: Promise<unknown>) {
    const tracked = work.catch((error) => this.logger.error("connection test batch failed", { error: (error as Error).message }));
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }

  private async runBatch(batchId: string, targets: Target[], actor: Actor, requestId: string | null) {
    const state = { lost: false };
    this.active.set(batchId, state);
    try {
      await this.runTargets(batchId, targets, actor, requestId, state);
      // Normally finished by the last counter update; if this process is stopping (or a counter update
      // was lost), it is finished here: untested targets INTERRUPTED, counts from the results.
      if (!state.lost) {
        await this.finishBatch(
          batchId,
          "interrupted: the targets service shut down before these targets were tested; run the test again",
        );
      }
    } finally {
      this.active.delete(batchId);
    }
  }

  private async runTargets(batchId: string, targets: Target[], actor: Actor, requestId: string | null, state: { lost: boolean }) {
    let next = 0;
    const worker = async () => {
      while (!this.stopping && !state.lost && next < targets.length) {
        const target = targets[next++];
        let ok = false;
        try {
          ok = (await this.check(target, actor, { methodId: null, batchId, requestId })).ok;
        } catch (error) {
          this.logger.error("connection test failed", { targetId: target.id, error: (error as Error).message });
        }
        const counted = await this.prisma.$executeRawUnsafe(
          `UPDATE connection_test_batches SET done = done + 1, ok = ok + $2::int, failed = failed + $3::int,
             heartbeat_at = now() AT TIME ZONE 'UTC',
             finished_at = CASE WHEN done + 1 >= total THEN now() AT TIME ZONE 'UTC' ELSE finished_at END
           WHERE id = $1::uuid AND finished_at IS NULL`,
          batchId,
          ok ? 1 : 0,
          ok ? 0 : 1,
        );
        // Finished by a reaper meanwhile (this process looked dead): stop, the batch has its results.
        if (!counted) state.lost = true;
        await this.announce(batchId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, targets.length) }, worker));
  }

  /** Tells connectionTestBatchUpdated subscribers that the batch changed (after the change committed); never fails the batch. */
  private async announce(batchId: string) {
    const live = this.options.live;
    if (!live) return;
    try {
      await publishLive(live.redis, live.prefix, liveTopics.connectionTestBatchUpdated.channel({ batchId }), { __typename: "ConnectionTestBatch", id: batchId });
    } catch (error) {
      this.logger.warn("live event not published", { batchId, error: (error as Error).message });
    }
  }

  /** Tests one target and records the result, health, host key and credential use in one transaction. */
  private async check(target: Target, actor: Actor, options: { methodId: string | null; batchId: string | null; requestId: string | null }): Promise<ConnectionCheck> {
    const methods = await this.prisma.connectionMethod.findMany({ where: { targetId: target.id }, orderBy: [{ isPrimary: "desc" }, { createdAt: "asc" }] });
    const method = options.methodId ? methods.find((row) => row.id === options.methodId) : methods[0];
    if (options.methodId && !method) throw badInput("methodId", "is not a method of this target");

    let result: ProbeResult;
    let credential: OpenedCredential | null = null;
    try {
      credential = method?.credentialId ? await this.credentials.open(method.credentialId) : null;
      result = await probe(this.request(target, method, credential));
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      // Logged without the secret: the error names only the credential and field.
      this.logger.warn("credential failed to decrypt", { credentialId: error.credentialId, field: error.field });
      result = { ok: false, latencyMs: 0, errorCategory: "DECRYPTION_FAILED", message: "the credential's secret failed to decrypt (tampered or swapped); re-enter it", serverVersion: null };
    }

    const healthStatus = healthOf(result, this.options.warningLatencyMs);
    return this.transaction(async (tx) => {
      const row = await tx.connectionCheck.create({
        data: {
          targetId: target.id,
          methodId: method?.id ?? null,
          methodType: method?.type ?? null,
          batchId: options.batchId,
          ok: result.ok,
          latencyMs: result.latencyMs,
          errorCategory: result.errorCategory,
          message: result.message?.slice(0, 500) ?? null,
          serverVersion: result.serverVersion?.slice(0, 200) ?? null,
        },
      });
      await tx.$executeRawUnsafe(
        `DELETE FROM connection_checks WHERE target_id = $1::uuid AND id NOT IN (
           SELECT id FROM connection_checks WHERE target_id = $1::uuid ORDER BY checked_at DESC, id LIMIT ${HISTORY_LIMIT})`,
        target.id,
      );
      await tx.target.update({ where: { id: target.id }, data: { healthStatus, lastCheckedAt: row.checkedAt } });
      if (method?.type === "SSH" && result.hostKey) await this.recordHostKey(tx, target, method, result, actor);
      if (credential) {
        await this.credentials.markUsed(tx, credential.id);
        await emitEvent(tx, "targets.credential.used", {
          actor,
          subject: { type: "Credential", id: credential.id },
          data: { credentialId: credential.id, targetId: target.id, methodId: method?.id ?? null, purpose: "connection-test", requestId: options.requestId },
        });
      }
      await emitEvent(tx, "targets.connection.tested", {
        actor,
        subject: { type: "Target", id: target.id },
        data: {
          targetId: target.id,
          methodId: method?.id ?? null,
          ok: result.ok,
          latencyMs: result.latencyMs,
          errorCategory: result.errorCategory,
          healthStatus,
          batchId: options.batchId,
        },
      });
      return row;
    });
  }

  private async recordHostKey(tx: Tx, target: Target, method: MethodRow, result: ProbeResult, actor: Actor) {
    const presented = result.hostKey!;
    if (!method.hostKeyFingerprint) {
      // Trust on first use: only a key from a server that completed the handshake.
      if (result.ok || result.errorCategory === "AUTH_FAILED") {
        await tx.connectionMethod.update({ where: { id: method.id }, data: { hostKeyFingerprint: presented.fingerprint, hostKeyAlgorithm: presented.algorithm } });
      }
      return;
    }
    // Every refused connection is reported until an operator accepts the new key.
    if (result.errorCategory !== "HOST_KEY_MISMATCH") return;
    await tx.connectionMethod.update({ where: { id: method.id }, data: { pendingHostKeyFingerprint: presented.fingerprint, pendingHostKeyAlgorithm: presented.algorithm } });
    await emitEvent(tx, "targets.hostkey.mismatched", {
      actor,
      subject: { type: "Target", id: target.id },
      data: {
        targetId: target.id,
        methodId: method.id,
        address: target.address,
        port: method.port,
        expectedFingerprint: method.hostKeyFingerprint,
        presentedFingerprint: presented.fingerprint,
      },
    });
  }

  private request(target: Target, method: MethodRow | undefined, credential: OpenedCredential | null): ProbeRequest {
    const base = { address: target.address, timeoutMs: this.options.timeoutMs };
    if (!method) return { ...base, type: "TCP", port: target.port };
    const settings = (method.settings ?? {}) as MethodSettings;
    const request: ProbeRequest = { ...base, type: method.type, port: method.port };
    if (method.type === "SSH") {
      request.knownHostKey = method.hostKeyFingerprint;
      request.ssh = {
        username: settings.username ?? credential?.username ?? "",
        password: credential?.type === "PASSWORD" ? credential.secrets.password : undefined,
        privateKey: credential?.type === "SSH_KEY" ? credential.secrets.privateKey : undefined,
        passphrase: credential?.type === "SSH_KEY" ? credential.secrets.passphrase : undefined,
      };
    }
    if (method.type === "SNMP") {
      request.snmp = { version: settings.snmpVersion ?? "V2C", community: credential?.type === "SNMP_COMMUNITY" ? credential.secrets.community : undefined };
      if (credential?.type === "SNMP_V3") {
        request.snmp.v3 = {
          username: credential.username ?? "",
          securityLevel: (credential.settings.securityLevel as SnmpV3Login["securityLevel"] | undefined) ?? "authPriv",
          authProtocol: credential.settings.authProtocol,
          authPassword: credential.secrets.authPassword,
          privProtocol: credential.settings.privProtocol,
          privPassword: credential.secrets.privPassword,
        };
      }
    }
    if (method.type === "HTTP" || method.type === "WINRM") {
      request.http = { https: settings.https ?? true, basePath: settings.basePath ?? "/", tlsVerify: settings.tlsVerify ?? true };
    }
    if (method.type === "WINRM" && credential?.type === "PASSWORD") {
      request.winrm = { authType: settings.authType ?? "NTLM", username: credential.username ?? "", password: credential.secrets.password ?? "" };
    }
    return request;
  }
}
