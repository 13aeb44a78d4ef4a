import { resolveTargetSelectionContract } from "@opsconductor/kit";
import { internalFailure, route, type InternalRoute } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { TargetFilter } from "../target/target.input";
import type { TargetService } from "../target/target.service";

/** A run reaches at most this many targets (the contract's own limit on ids). */
const MAX_TARGETS = 10_000;

/**
 * POST /internal/targets/resolve for the executions service: the live (not deleted) targets a job's
 * selection names now — the union of its ids, the targets carrying every one of its tags (as the
 * targets filter matches tags) and the members of its saved group (the group's filter, resolved now).
 * Ids that are not live targets are reported, not silently dropped.
 */
export function resolveSelectionRoute(prisma: PrismaClient, targets: TargetService): InternalRoute {
  return route(resolveTargetSelectionContract, async ({ body }) => {
    const ids = [...new Set(body.targetIds.map((id) => id.toLowerCase()))];
    const clauses: Prisma.TargetWhereInput[] = [];
    if (ids.length) clauses.push({ id: { in: ids } });
    if (body.tags.length) clauses.push(await targets.whereOf({ tags: body.tags }));
    if (body.groupId) {
      const group = await prisma.savedGroup.findFirst({ where: { id: body.groupId, deletedAt: null } });
      if (!group) throw internalFailure(404, `saved group ${body.groupId} not found`, "groupId");
      clauses.push(await targets.whereOf(group.filter as TargetFilter));
    }
    if (!clauses.length) return { targets: [], missingIds: [] };
    const rows = await prisma.target.findMany({
      where: { deletedAt: null, OR: clauses },
      select: { id: true, name: true, address: true },
      orderBy: [{ nameKey: "asc" }, { id: "asc" }],
      take: MAX_TARGETS + 1,
    });
    if (rows.length > MAX_TARGETS) throw internalFailure(400, `the selection names more than ${MAX_TARGETS} targets`, "targets");
    const found = new Set(rows.map((row) => row.id));
    return { targets: rows, missingIds: ids.filter((id) => !found.has(id)) };
  });
}
