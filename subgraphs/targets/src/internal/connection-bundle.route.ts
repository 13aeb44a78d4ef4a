import { SYSTEM_ACTOR, targetConnectionBundleContract, type TargetConnectionBundle } from "@opsconductor/kit";
import { emitEvent, internalFailure, route, type InternalRoute, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { CredentialService } from "../credential/credential.service";
import { DecryptionError } from "../credential/keyring";
import type { MethodSettings } from "../method/method.validation";

type Tx = Prisma.TransactionClient;

/**
 * GET /internal/targets/:id/connection for the executions service: the primary method and its
 * credential, decrypted. The use is recorded (event + lastUsedAt) in the same transaction that
 * reads the secret, so no secret leaves without a trace; the event never carries it.
 */
export function connectionBundleRoute(prisma: PrismaClient, transaction: Transact<Tx>, credentials: CredentialService): InternalRoute {
  return route(targetConnectionBundleContract, async ({ params, requestId }): Promise<TargetConnectionBundle> => {
    const target = await prisma.target.findFirst({ where: { id: params.id, deletedAt: null } });
    if (!target) throw internalFailure(404, `target ${params.id} not found`, "id");
    const method = await prisma.connectionMethod.findFirst({ where: { targetId: target.id }, orderBy: [{ isPrimary: "desc" }, { createdAt: "asc" }] });
    const settings = (method?.settings ?? {}) as MethodSettings & Record<string, unknown>;
    return transaction(async (tx) => {
      let credential: TargetConnectionBundle["credential"] = null;
      if (method?.credentialId) {
        let opened;
        try {
          opened = await credentials.open(method.credentialId, tx);
        } catch (error) {
          if (error instanceof DecryptionError) throw internalFailure(409, "the credential's secret failed to decrypt (tampered or swapped)", "credential");
          throw error;
        }
        if (opened) {
          credential = { id: opened.id, type: opened.type, username: opened.username, secret: opened.secrets, settings: { ...opened.settings } };
          await credentials.markUsed(tx, opened.id);
          await emitEvent(tx, "targets.credential.used", {
            actor: { ...SYSTEM_ACTOR, username: "service" },
            subject: { type: "Credential", id: opened.id },
            data: { credentialId: opened.id, targetId: target.id, methodId: method.id, purpose: "execution", requestId: requestId ?? null },
          });
        }
      }
      return {
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
      };
      // Executions asks for hundreds of bundles at once when a run starts: wait for a pooled
      // connection rather than fail at Prisma's default 2 s.
    }, { maxWait: 10_000, timeout: 15_000 });
  });
}
