import { credentialTypeContract, snmpCommunityContract, SYSTEM_ACTOR } from "@opsconductor/kit";
import { emitEvent, internalFailure, route, type InternalRoute, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { CredentialService } from "../credential/credential.service";
import { DecryptionError } from "../credential/keyring";

type Tx = Prisma.TransactionClient;

/** GET /internal/credentials/:id/type: whether a credential exists and of what type (no secret, no event). */
export function credentialTypeRoute(prisma: PrismaClient): InternalRoute {
  return route(credentialTypeContract, async ({ params }) => {
    const row = await prisma.credential.findFirst({ where: { id: params.id, deletedAt: null }, select: { id: true, type: true } });
    if (!row) throw internalFailure(404, `credential ${params.id} not found`, "id");
    return row;
  });
}

/**
 * POST /internal/credentials/:id/snmp-community for discovery's SNMP probes: the community of an
 * SNMP_COMMUNITY credential, its use recorded (event + lastUsedAt) in the transaction that reads it.
 */
export function snmpCommunityRoute(transaction: Transact<Tx>, credentials: CredentialService): InternalRoute {
  return route(snmpCommunityContract, async ({ params, body, requestId }) =>
    transaction(async (tx) => {
      let opened;
      try {
        opened = await credentials.open(params.id, tx);
      } catch (error) {
        if (error instanceof DecryptionError) throw internalFailure(409, "the credential's secret failed to decrypt (tampered or swapped)", "id");
        throw error;
      }
      if (!opened) throw internalFailure(404, `credential ${params.id} not found`, "id");
      if (opened.type !== "SNMP_COMMUNITY" || !opened.secrets.community) throw internalFailure(409, `credential ${params.id} is not an SNMP community (${opened.type})`, "id");
      await credentials.markUsed(tx, opened.id);
      await emitEvent(tx, "targets.credential.used", {
        actor: { ...SYSTEM_ACTOR, username: "service" },
        subject: { type: "Credential", id: opened.id },
        data: { credentialId: opened.id, targetId: null, methodId: null, purpose: "discovery-scan", scanId: body.scanId, requestId: requestId ?? null },
      });
      return { community: opened.secrets.community };
    }),
  );
}
