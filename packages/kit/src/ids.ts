import { z } from "zod";
import { badInput } from "./errors";

// Any 8-4-4-4-12 hex string, as PostgreSQL's uuid type accepts (z.uuid() would also demand an RFC version).
const uuid = z.guid();

/** True for a well-formed UUID (any version). Ids that are not UUIDs cannot exist, so they never reach a uuid column. */
export const isUuid = (value: unknown): value is string => uuid.safeParse(value).success;

/** The id, lower-cased, or BAD_USER_INPUT naming the field. */
export function parseUuid(value: unknown, field: string): string {
  if (!isUuid(value)) throw badInput(field, "must be a UUID");
  return value.toLowerCase();
}

/** The built-in admin's fixed id: the users and auth seeds both create it. */
export const ADMIN_USER_ID = "00000000-0000-4000-8000-000000000001";
