import type { EventHandler, TokenRevocations } from "@opsconductor/kit/subgraph";

/**
 * A deleted user's credential goes; its refresh families and tokens go with it (ON DELETE CASCADE),
 * and its access tokens are refused at the gateway.
 */
export const userDeleted =
  (revocations: TokenRevocations): EventHandler<"users.user.deleted"> =>
  async (event, tx) => {
    await tx.$executeRawUnsafe("DELETE FROM credentials WHERE user_id = $1::uuid", event.data.id);
    await revocations.revokeIssuedBefore(event.data.id, new Date(event.occurredAt));
  };
