import type { FederatedSchemaOptions } from "@opsconductor/kit/subgraph";
import { UserReference } from "@opsconductor/kit/subgraph";
import type { JobsContext } from "./context";
import { GlobalBlackoutResolver } from "./blackout/blackout.resolver";
import { JobResolver, JobVersionResolver } from "./job/job.resolver";
import { ScheduleResolver } from "./schedule/schedule.resolver";

/** Everything that shapes the jobs subgraph's schema (also used to print its SDL for composition). */
export const jobsSchema: FederatedSchemaOptions = {
  resolvers: [JobResolver, JobVersionResolver, ScheduleResolver, GlobalBlackoutResolver],
  orphanedTypes: [UserReference],
  references: {
    // `_entities` for Job: null for an unknown or deleted id; the kit requires jobs:read first.
    Job: { permission: "jobs:read", __resolveReference: (reference: { id: string }, ctx: JobsContext) => ctx.jobs.get(ctx, reference.id) },
  },
};
