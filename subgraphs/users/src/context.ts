import type { RequestContext } from "@opsconductor/kit/subgraph";
import type { UserLoaders } from "./user/user.loader";
import type { UserService } from "./user/user.service";

export interface UsersContext extends RequestContext {
  users: UserService;
  loaders: UserLoaders;
}
