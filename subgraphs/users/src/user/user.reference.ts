import type { UsersContext } from "../context";
import type { User } from "./user.type";

/**
 * Federation entity resolution, batched per request. No permission check here: the field that
 * exposes the reference (e.g. targets.createdBy) authorizes, and subgraphs sit behind the gateway.
 */
export function resolveUserReference(reference: { id: string }, ctx: UsersContext): Promise<User | null> {
  return ctx.loaders.userById.load(reference.id);
}
