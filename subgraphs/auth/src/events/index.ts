import type { EventHandlers } from "@opsconductor/kit";
import { userDeactivated } from "./user-deactivated";
import { userDeleted } from "./user-deleted";
import { userUpdated } from "./user-updated";

/** Events auth consumes from the users service (queue `<exchange>.auth`). */
export const eventHandlers: EventHandlers = {
  "users.user.deactivated": userDeactivated,
  "users.user.deleted": userDeleted,
  "users.user.updated": userUpdated,
};
