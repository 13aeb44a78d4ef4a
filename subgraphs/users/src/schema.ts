import type { FederatedSchemaOptions } from "@opsconductor/kit/subgraph";
import { resolveUserReference } from "./user/user.reference";
import { UserResolver } from "./user/user.resolver";

/** Everything that shapes the users subgraph's schema (also used to print its SDL for composition). */
export const usersSchema: FederatedSchemaOptions = {
  resolvers: [UserResolver],
  references: { User: { permission: "users:read", __resolveReference: resolveUserReference } },
};
