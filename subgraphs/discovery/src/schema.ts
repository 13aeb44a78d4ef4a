import { UserReference, type FederatedSchemaOptions } from "@opsconductor/kit/subgraph";
import { ScanResolver } from "./scan/scan.resolver";

/** Everything that shapes the discovery subgraph's schema (also used to print its SDL for composition). */
export const discoverySchema: FederatedSchemaOptions = {
  resolvers: [ScanResolver],
  orphanedTypes: [UserReference],
};
