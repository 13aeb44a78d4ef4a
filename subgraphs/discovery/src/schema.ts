import { UserReference, type FederatedSchemaOptions } from "@opsconductor/kit/subgraph";
import { ScanResolver } from "./scan/scan.resolver";
import { TemplateResolver } from "./template/template.resolver";

/** Everything that shapes the discovery subgraph's schema (also used to print its SDL for composition). */
export const discoverySchema: FederatedSchemaOptions = {
  resolvers: [ScanResolver, TemplateResolver],
  orphanedTypes: [UserReference],
};
