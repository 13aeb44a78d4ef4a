import type { FederatedSchemaOptions } from "@opsconductor/kit/subgraph";
import { resolveTargetReference } from "./target/target.reference";
import { TargetResolver } from "./target/target.resolver";
import { UserReference } from "@opsconductor/kit/subgraph";

/** Everything that shapes the targets subgraph's schema (also used to print its SDL for composition). */
export const targetsSchema: FederatedSchemaOptions = {
  resolvers: [TargetResolver],
  // Only referenced through a field resolver's return type; listed so the stub is always in the schema.
  orphanedTypes: [UserReference],
  references: { Target: { permission: "targets:read", __resolveReference: resolveTargetReference } },
};
