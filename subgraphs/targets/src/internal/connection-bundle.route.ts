import { SYSTEM_ACTOR, targetConnectionBundleContract, targetConnectionBundlesContract, type TargetConnectionBundle } from "@opsconductor/kit";
import { emitEvent, internalFailure, route, type InternalRoute, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { CredentialService } from "../credential/credential.service";
import { DecryptionError } from "../credential/keyring";
import type { MethodSettings } from "../method/method.validation";

type Tx = Prisma.TransactionClient;
interface Failure {
  id: string;
  status: number;
  message: string;
}

/**
 * The connection bundles of the targets asked for: each one's primary method (else the oldest) and
 * its credential, decrypted. Every use is recorded (one `targets.credential.used` per id asked for,
 * and the credential's lastUsedAt) in the transaction that reads the secrets, so no secret leaves
 * without a trace; the event never carries it. A credential serving many of the targets is read and
 * opened once. Targets that are gone, or whose credential fails to open, are failures (404, 409).
 */
async function openBundles(
  prisma: PrismaClient,
  transaction: Transact<Tx>,
  credentials: CredentialService,
  ids: string[],
  requestId: string | undefined,
): Promise<{ bundles: TargetConnectionBundle[]; failures: Failure[] }> {
  const unique = [...new Set(ids)];
  const targets = await prisma.target.findMany({ where: { id: { in: unique }, deletedAt: null } });
  const methods = targets.length
    ? await prisma.connectionMethod.findMany({ where: { targetId: { in: targets.map((target) => target.id) } }, orderBy: [{ isPrimary: "desc" }, { createdAt: "asc" }] })
    : [];
  const methodOf = new Map<string, (typeof methods)[number]>();
  for (const method of methods) if (!methodOf.has(method.targetId)) methodOf.set(method.targetId, method);
  const found = new Set(targets.map((target) => target.id));
  const failures: Failure[] = unique.filter((id) => !found.has(id)).map((id) => ({ id, status: 404, message: `target ${id} not found` }));
  // How many times each target was asked for: each ask is a use of its secret, recorded as such.
  const asks = new Map<string, number>();
  for (const id of ids) asks.set(id, (asks.get(id) ?? 0) + 1);

  return transaction(
    async (tx) => {
      const opened = new Map<string, TargetConnectionBundle["credential"] | DecryptionError>();
      for (const credentialId of new Set([...methodOf.values()].flatMap((method) => (method.credentialId ? [method.credentialId] : [])))) {
        try {
          const credential = await credentials.open(credentialId, tx);
          opened.set(credentialId, credential && { id: credential.id, type: credential.type, username: credential.username, secret: credential.secrets, settings: { ...credential.settings } });
          if (credential) await credentials.markUsed(tx, credential.id);
        } catch (error) {
          if (!(error instanceof DecryptionError)) throw error;
          opened.set(credentialId, error);
        }
      }
      const bundles: TargetConnectionBundle[] = [];
      for (const target of targets) {
        const method = methodOf.get(target.id);
        const credential = method?.credentialId ? (opened.get(method.credentialId) ?? null) : null;
        if (credential instanceof DecryptionError) {
          failures.push({ id: target.id, status: 409, message: "the credential's secret failed to decrypt (tampered or swapped)" });
          continue;
        }
        for (let ask = 0; credential && method && ask < (asks.get(target.id) ?? 1); ask++) {
          await emitEvent(tx, "targets.credential.used", {
            actor: { ...SYSTEM_ACTOR, username: "service" },
            subject: { type: "Credential", id: credential.id },
            data: { credentialId: credential.id, targetId: target.id, methodId: method.id, purpose: "execution", requestId: requestId ?? null },
          });
        }
        const settings = (method?.settings ?? {}) as MethodSettings & Record<string, unknown>;
        bundles.push({
          target: { id: target.id, name: target.name, address: target.address, serialNumber: `TGT-${String(target.serial).padStart(6, "0")}` },
          method: method
            ? {
                id: method.id,
                type: method.type,
                port: method.port,
                username: settings.username ?? credential?.username ?? null,
                settings,
                hostKeyFingerprint: method.hostKeyFingerprint,
              }
            : null,
          credential,
        });
      }
      return { bundles, failures };
    },
    // Executions asks for hundreds of bundles at once when a run starts: wait for a pooled
    // connection rather than fail at Prisma's default 2 s.
    { maxWait: 10_000, timeout: 15_000 },
  );
}

/** GET /internal/targets/:id/connection for the executions service: one target's connection bundle. */
export function connectionBundleRoute(prisma: PrismaClient, transaction: Transact<Tx>, credentials: CredentialService): InternalRoute {
  return route(targetConnectionBundleContract, async ({ params, requestId }): Promise<TargetConnectionBundle> => {
    const { bundles, failures } = await openBundles(prisma, transaction, credentials, [params.id], requestId);
    const failure = failures[0];
    if (failure) throw internalFailure(failure.status, failure.message, failure.status === 404 ? "id" : "credential");
    return bundles[0]!;
  });
}

/** POST /internal/targets/connections for the executions workers: the bundles of a run's targets in one call. */
export function connectionBundlesRoute(prisma: PrismaClient, transaction: Transact<Tx>, credentials: CredentialService): InternalRoute {
  return route(targetConnectionBundlesContract, async ({ body, requestId }) => openBundles(prisma, transaction, credentials, body.ids, requestId));
}
