import type { FederatedSchemaOptions } from "@opsconductor/kit/subgraph";
import { UserReference } from "@opsconductor/kit/subgraph";
import { ConnectivityResolver } from "./connectivity/connectivity.resolver";
import { CredentialResolver } from "./credential/credential.resolver";
import { DeviceTypeResolver, TargetDeviceTypeResolver } from "./device-type/device-type.resolver";
import { GroupResolver } from "./group/group.resolver";
import { MethodResolver, TargetConnectivityResolver } from "./method/method.resolver";
import { TransferResolver } from "./transfer/transfer.resolver";
import { resolveTargetReference } from "./target/target.reference";
import { TargetResolver } from "./target/target.resolver";

/** Everything that shapes the targets subgraph's schema (also used to print its SDL for composition). */
export const targetsSchema: FederatedSchemaOptions = {
  resolvers: [TargetResolver, TargetConnectivityResolver, CredentialResolver, MethodResolver, ConnectivityResolver, DeviceTypeResolver, TargetDeviceTypeResolver, GroupResolver, TransferResolver],
  // Only referenced through a field resolver's return type; listed so the stub is always in the schema.
  orphanedTypes: [UserReference],
  references: { Target: { permission: "targets:read", __resolveReference: resolveTargetReference } },
};
