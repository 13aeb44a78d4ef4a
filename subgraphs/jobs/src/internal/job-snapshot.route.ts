import { jobSnapshotContract } from "@opsconductor/kit";
import { internalFailure, route, type InternalRoute } from "@opsconductor/kit/subgraph";
import type { PrismaClient } from "../generated/prisma/client";
import { definitionOf } from "../job/job.service";
import { snapshotOf } from "../job/job.validation";

/**
 * GET /internal/jobs/:id/versions/:version ("latest" for the current one) for the executions
 * service: the definition a run executes. Service token only (internalRoutes). A deleted job is
 * not found: it cannot be run any more.
 */
export function jobSnapshotRoute(prisma: PrismaClient): InternalRoute {
  return route(jobSnapshotContract, async ({ params }) => {
    const job = await prisma.job.findFirst({ where: { id: params.id, deletedAt: null } });
    if (!job) throw internalFailure(404, `job ${params.id} not found`, "id");
    const number = params.version === "latest" ? job.version : Number(params.version);
    const version = await prisma.jobVersion.findUnique({ where: { jobId_version: { jobId: job.id, version: number } } });
    if (!version) throw internalFailure(404, `job ${params.id} has no version ${params.version}`, "version");
    return snapshotOf(job.id, version.version, definitionOf(version));
  });
}
