import type { EventHandler } from "@opsconductor/kit";
import { REVOKE_USER_FAMILIES_SQL } from "../token/refresh-token.service";

/** A deactivated user keeps no session: every refresh family is revoked (access tokens expire within minutes). */
export const userDeactivated: EventHandler<"users.user.deactivated"> = async (event, tx) => {
  await tx.$executeRawUnsafe(REVOKE_USER_FAMILIES_SQL, event.data.id, "user_deactivated");
};
