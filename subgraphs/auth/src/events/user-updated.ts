import type { EventHandler } from "@opsconductor/kit";
import { normalizeUsername } from "../credential/credential.service";
import { SQL_NOW_UTC } from "../db";

/** A renamed user logs in with the new username: the credential follows the users service. */
export const userUpdated: EventHandler<"users.user.updated"> = async (event, tx) => {
  if (!event.data.changed.includes("username")) return;
  await tx.$executeRawUnsafe(
    `UPDATE credentials SET username = $2, updated_at = ${SQL_NOW_UTC} WHERE user_id = $1::uuid AND username <> $2`,
    event.data.id,
    normalizeUsername(event.data.username),
  );
};
