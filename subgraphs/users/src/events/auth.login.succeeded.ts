import type { EventHandler } from "@opsconductor/kit/subgraph";

/**
 * Records the login time. Runs in the consumer's transaction (deduplicated by event id); the
 * comparison also keeps a late, out-of-order delivery from moving lastLoginAt backwards.
 */
export const onLoginSucceeded: EventHandler<"auth.login.succeeded"> = async (event, tx) => {
  await tx.$executeRawUnsafe(
    `UPDATE users SET last_login_at = ($1::timestamptz AT TIME ZONE 'UTC')
      WHERE id = $2::uuid AND (last_login_at IS NULL OR last_login_at < ($1::timestamptz AT TIME ZONE 'UTC'))`,
    event.occurredAt,
    event.data.userId,
  );
};
