import type { RequestContext } from "@opsconductor/kit/subgraph";
import { createTargetLoader, type TargetLoader } from "./target/target.reference";
import type { TargetService } from "./target/target.service";

/** Per-request state: the services and the DataLoaders (fresh per request, so nothing leaks between callers). */
export interface TargetsContext extends RequestContext {
  targets: TargetService;
  loaders: { target: TargetLoader };
}

export function createContext(base: RequestContext, targets: TargetService): TargetsContext {
  return { ...base, targets, loaders: { target: createTargetLoader(targets) } };
}
