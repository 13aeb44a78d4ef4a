import { deviceTypesContract, importDiscoveredTargetsContract, targetsByAddressContract, type ImportDiscoveredResult } from "@opsconductor/kit";
import { emitEvent, isUniqueViolation, isUuid, route, type InternalRoute, type Transact } from "@opsconductor/kit/subgraph";
import { GraphQLError } from "graphql";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { MethodService } from "../method/method.service";
import { credentialRule } from "../method/method.validation";
import { targetSnapshot, targetSubject } from "../target/target.service";
import { normalizeAddress, validateCreate } from "../target/target.validation";

type Tx = Prisma.TransactionClient;

/** GET /internal/device-types: the registry, for discovery's classification. */
export function deviceTypesRoute(prisma: PrismaClient): InternalRoute {
  return route(deviceTypesContract, async () => ({
    deviceTypes: await prisma.deviceType.findMany({ select: { id: true, key: true, name: true, category: true }, orderBy: { key: "asc" } }),
  }));
}

/** POST /internal/targets/by-address: live targets at these addresses (spelled as targets stores them). */
export function targetsByAddressRoute(prisma: PrismaClient): InternalRoute {
  return route(targetsByAddressContract, async ({ body }) => {
    const addresses = new Set<string>();
    for (const address of body.addresses) {
      try {
        addresses.add(normalizeAddress(address));
      } catch {
        // Not an address targets could hold: nothing there.
      }
    }
    if (!addresses.size) return { targets: [] };
    const targets = await prisma.target.findMany({
      where: { active: true, address: { in: [...addresses] } },
      select: { id: true, name: true, address: true, port: true },
      orderBy: [{ address: "asc" }, { port: "asc" }],
    });
    return { targets };
  });
}

class Exists extends Error {
  constructor(readonly targetId: string | null) {
    super("exists");
  }
}

/**
 * POST /internal/targets/import-discovered: one transaction per host (target, its methods, their
 * events), so a host is imported whole or not at all. A method whose type needs a credential gets the
 * given one when it fits and is left out when none fits (a target without it can be completed later).
 */
export function importDiscoveredRoute(prisma: PrismaClient, transaction: Transact<Tx>, methods: MethodService): InternalRoute {
  return route(importDiscoveredTargetsContract, async ({ body }) => {
    const { actor } = body;
    const createdById = actor.userId && isUuid(actor.userId) ? actor.userId : null;
    const deviceTypes = new Map((await prisma.deviceType.findMany({ select: { id: true, key: true } })).map((type) => [type.key, type.id]));
    const results: ImportDiscoveredResult[] = [];
    for (const entry of body.targets) {
      const result = (status: ImportDiscoveredResult["status"], targetId: string | null, field: string | null = null, message: string | null = null) =>
        results.push({ key: entry.key, status, targetId, field, message });
      try {
        const values = validateCreate({ ...entry, environment: entry.environment ?? undefined });
        const targetId = await transaction(
          async (tx) => {
            const existing = await tx.target.findFirst({ where: { address: values.address, port: values.port, active: true }, select: { id: true } });
            if (existing) throw new Exists(existing.id);
            const credential = entry.credentialId
              ? await tx.credential.findFirst({ where: { id: entry.credentialId, deletedAt: null }, select: { id: true, type: true } })
              : null;
            if (entry.credentialId && !credential) throw new GraphQLError("is not a known credential", { extensions: { code: "BAD_USER_INPUT", field: "credentialId" } });
            const deviceTypeId = entry.deviceTypeKey ? (deviceTypes.get(entry.deviceTypeKey) ?? null) : null;
            const row = await tx.target.create({ data: { ...values, nameKey: values.name.toLowerCase(), createdById, deviceTypeId } });
            await emitEvent(tx, "targets.target.created", { actor, subject: targetSubject(row), data: targetSnapshot(row) });
            const inputs = entry.methods.flatMap((method) => {
              const settings = method.type === "HTTP" || method.type === "WINRM" ? { https: method.https ?? undefined } : {};
              const rule = credentialRule(method.type, settings);
              const fits = credential !== null && rule.types.includes(credential.type);
              if (rule.required && !fits) return [];
              return [{ type: method.type, port: method.port, https: method.https ?? undefined, credentialId: fits ? credential.id : null }];
            });
            await methods.addToNewTarget(tx, actor, row.id, inputs);
            return row.id;
          },
          { onUniqueViolation: () => undefined },
        );
        result("CREATED", targetId);
      } catch (error) {
        if (error instanceof Exists) result("EXISTS", error.targetId, "address", "a target with this address and port exists");
        else if (isUniqueViolation(error)) result("EXISTS", null, "address", "a target with this address and port was created meanwhile");
        else if (error instanceof GraphQLError && error.extensions.code === "BAD_USER_INPUT") {
          result("FAILED", null, String(error.extensions.field ?? "input").replace(/^input\./, ""), error.message);
        } else throw error;
      }
    }
    return { results };
  });
}
