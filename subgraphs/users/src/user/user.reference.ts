import type { UsersContext } from "../context";
import type { User } from "./user.type";

/** Federation entity resolution, batched per request; the kit requires users:read first (see usersSchema). */
export function resolveUserReference(reference: { id: string }, ctx: UsersContext): Promise<User | null> {
  return ctx.loaders.userById.load(reference.id);
}
