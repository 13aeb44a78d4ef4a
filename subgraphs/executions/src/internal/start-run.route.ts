import { SYSTEM_ACTOR, startRunContract } from "@opsconductor/kit";
import { internalFailure, route, type InternalRoute } from "@opsconductor/kit/subgraph";
import { GraphQLError } from "graphql";
import type { RunService } from "../run/run.service";

/**
 * POST /internal/runs for the jobs scheduler (and API triggers): starts a run like runJob does, on
 * the job's own selection; idempotent by key (a repeated call answers with the first run).
 */
export function startRunRoute(runs: RunService): InternalRoute {
  return route(startRunContract, async ({ body, requestId }) => {
    try {
      const run = await runs.start({
        jobId: body.jobId,
        parameters: body.parameters,
        trigger: body.trigger,
        triggeredById: body.triggeredById,
        scheduleId: body.scheduleId,
        idempotencyKey: body.idempotencyKey,
        actor: { ...SYSTEM_ACTOR, userId: body.triggeredById, username: body.trigger === "SCHEDULE" ? "scheduler" : "api" },
        requestId,
      });
      return { runId: run.id, number: run.number };
    } catch (error) {
      if (error instanceof GraphQLError) {
        const code = error.extensions.code;
        const field = typeof error.extensions.field === "string" ? error.extensions.field : undefined;
        if (code === "BAD_USER_INPUT") throw internalFailure(400, error.message, field);
        if (code === "NOT_FOUND") throw internalFailure(404, error.message, "jobId");
      }
      throw error;
    }
  });
}
