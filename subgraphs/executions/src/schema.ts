import { UserReference, type FederatedSchemaOptions } from "@opsconductor/kit/subgraph";
import { resolveRunReference, RunOutputChunkResolver, RunResolver, RunTargetResolver } from "./run/run.resolver";
import { JobReference, TargetReference } from "./run/run.type";

/** Everything that shapes the executions subgraph's schema (also used to print its SDL for composition). */
export const executionsSchema: FederatedSchemaOptions = {
  resolvers: [RunResolver, RunTargetResolver, RunOutputChunkResolver],
  orphanedTypes: [UserReference, JobReference, TargetReference],
  references: { Run: { permission: "jobs:read", __resolveReference: resolveRunReference } },
};
