import type { FederatedSchemaOptions } from "@opsconductor/kit";
import { AuthResolver } from "./auth/auth.resolver";
import { User } from "./user/user.type";

/** Everything that shapes the auth subgraph's schema (also used to print its SDL for composition). */
export const authSchema: FederatedSchemaOptions = {
  resolvers: [AuthResolver],
  // Only reached through AuthPayload.user and me; listed so the stub is always in the schema.
  orphanedTypes: [User],
};
