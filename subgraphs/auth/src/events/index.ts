import type { EventHandlers, TokenRevocations } from "@opsconductor/kit/subgraph";
import { userDeactivated } from "./user-deactivated";
import { userDeleted } from "./user-deleted";

/** Events auth consumes from the users service (queue `<exchange>.auth`). Usernames never change, so updates need nothing here. */
export function eventHandlers(revocations: TokenRevocations): EventHandlers {
  return {
    "users.user.deactivated": userDeactivated(revocations),
    "users.user.deleted": userDeleted(revocations),
  };
}
