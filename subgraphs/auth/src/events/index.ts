import type { EventHandlers } from "@opsconductor/kit";
import { userDeactivated } from "./user-deactivated";
import { userDeleted } from "./user-deleted";

/** Events auth consumes from the users service (queue `<exchange>.auth`). Usernames never change, so updates need nothing here. */
export const eventHandlers: EventHandlers = {
  "users.user.deactivated": userDeactivated,
  "users.user.deleted": userDeleted,
};
