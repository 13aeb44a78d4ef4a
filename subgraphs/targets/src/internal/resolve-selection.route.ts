import { resolveTargetSelectionContract } from "@opsconductor/kit";
import { internalFailure, route, type InternalRoute, type SqlPool } from "@opsconductor/kit/subgraph";
import type { PrismaClient } from "../generated/prisma/client";
import type { TargetFilter } from "../target/target.input";
import { targetIds, targetMatch } from "../target/target.query";

/** A run reaches at most this many targets (the contract's own limit on ids). */
const MAX_TARGETS = 10_000;

/**
 * POST /internal/targets/resolve for the executions service: the live (not deleted) targets a job's
 * selection names now — the union of its ids, the targets carrying every one of its tags (as the
 * targets filter matches tags) and the members of its saved group (the group's filter, resolved now).
 * Ids that are not live targets are reported, not silently dropped.
 */
export function resolveSelectionRoute(prisma: PrismaClient, sql: SqlPool): InternalRoute {
  return route(resolveTargetSelectionContract, async ({ body }) => {
    const ids = [...new Set(body.targetIds.map((id) => id.toLowerCase()))];
    const filters: TargetFilter[] = [];
    if (body.tags.length) filters.push({ tags: body.tags });
    if (body.groupId) {
      const group = await prisma.savedGroup.findFirst({ where: { id: body.groupId, deletedAt: null } });
      if (!group) throw internalFailure(404, `saved group ${body.groupId} not found`, "groupId");
      filters.push(group.filter as TargetFilter);
    }
    // The targets filter has one implementation (target.query.ts); each criterion is resolved by it.
    const matched = new Set<string>();
    for (const filter of filters) for (const id of await targetIds(sql, targetMatch(filter), MAX_TARGETS + 1)) matched.add(id);
    if (!ids.length && !matched.size) return { targets: [], missingIds: [] };
    const rows = await prisma.target.findMany({
      where: { deletedAt: null, id: { in: [...new Set([...ids, ...matched])] } },
      select: { id: true, name: true, address: true },
      orderBy: [{ nameKey: "asc" }, { id: "asc" }],
      take: MAX_TARGETS + 1,
    });
    if (rows.length > MAX_TARGETS) throw internalFailure(400, `the selection names more than ${MAX_TARGETS} targets`, "targets");
    const found = new Set(rows.map((row) => row.id));
    return { targets: rows, missingIds: ids.filter((id) => !found.has(id)) };
  });
}
