import type { EventHandler } from "@opsconductor/kit";

/** A deleted user's credential goes; its refresh families and tokens go with it (ON DELETE CASCADE). */
export const userDeleted: EventHandler<"users.user.deleted"> = async (event, tx) => {
  await tx.$executeRawUnsafe("DELETE FROM credentials WHERE user_id = $1::uuid", event.data.id);
};
