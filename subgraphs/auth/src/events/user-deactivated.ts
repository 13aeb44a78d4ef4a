import type { EventHandler, TokenRevocations } from "@opsconductor/kit/subgraph";
import { REVOKE_USER_FAMILIES_SQL } from "../token/refresh-token.service";

/**
 * A deactivated user keeps no session: every refresh family is revoked, and access tokens issued
 * before the deactivation are refused at the gateway (Redis floor; idempotent on redelivery).
 */
export const userDeactivated =
  (revocations: TokenRevocations): EventHandler<"users.user.deactivated"> =>
  async (event, tx) => {
    await tx.$executeRawUnsafe(REVOKE_USER_FAMILIES_SQL, event.data.id, "user_deactivated");
    await revocations.revokeIssuedBefore(event.data.id, new Date(event.occurredAt));
  };
