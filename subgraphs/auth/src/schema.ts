import type { FederatedSchemaOptions } from "@opsconductor/kit/subgraph";
import { AuthResolver } from "./auth/auth.resolver";
import { UserReference } from "@opsconductor/kit/subgraph";

/** Everything that shapes the auth subgraph's schema (also used to print its SDL for composition). */
export const authSchema: FederatedSchemaOptions = {
  resolvers: [AuthResolver],
  // Only reached through AuthPayload.user and me; listed so the stub is always in the schema.
  orphanedTypes: [UserReference],
};
