import type { RequestContext } from "@opsconductor/kit/subgraph";
import type { AuthService } from "./auth/auth.service";

/** The request context of this subgraph: the kit's auth context plus the services resolvers call. */
export interface AppContext extends RequestContext {
  auth: AuthService;
}
