import type { RequestContext } from "@opsconductor/kit/subgraph";
import { byIdLoader } from "@opsconductor/kit/subgraph";
import DataLoader from "dataloader";
import type { ConnectivityService } from "./connectivity/connectivity.service";
import type { CredentialService } from "./credential/credential.service";
import type { Credential } from "./credential/credential.type";
import type { DeviceTypeService } from "./device-type/device-type.service";
import type { DeviceType } from "./device-type/device-type.type";
import type { GroupService } from "./group/group.service";
import type { MethodRow, MethodService } from "./method/method.service";
import type { TransferService } from "./transfer/transfer.service";
import { createTargetLoader, type TargetLoader } from "./target/target.reference";
import type { TargetService } from "./target/target.service";

export interface TargetsServices {
  targets: TargetService;
  credentials: CredentialService;
  methods: MethodService;
  connectivity: ConnectivityService;
  deviceTypes: DeviceTypeService;
  groups: GroupService;
  transfer: TransferService;
}

/** Per-request state: the services and the DataLoaders (fresh per request, so nothing leaks between callers). */
export interface TargetsContext extends RequestContext, TargetsServices {
  loaders: {
    target: TargetLoader;
    credential: DataLoader<string, Credential | null>;
    methods: DataLoader<string, MethodRow[]>;
    deviceType: DataLoader<string, DeviceType | null>;
  };
}

export function createContext(base: RequestContext, services: TargetsServices): TargetsContext {
  return {
    ...base,
    ...services,
    loaders: {
      target: createTargetLoader(services.targets),
      deviceType: byIdLoader((ids) => services.deviceTypes.findByIds(ids)),
      credential: byIdLoader((ids) => services.credentials.findActiveByIds(ids)),
      methods: new DataLoader(async (ids) => {
        const byTarget = await services.methods.byTargetIds(ids);
        return ids.map((id) => byTarget.get(id) ?? []);
      }),
    },
  };
}
