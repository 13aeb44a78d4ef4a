import { Field, InputType, Int } from "type-graphql";
import { badInput } from "./errors";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

@InputType({ description: `Offset pagination; limit is at most ${MAX_PAGE_SIZE}.` })
export class PaginationInput {
  @Field(() => Int, { nullable: true, defaultValue: 0 })
  offset?: number;

  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE })
  limit?: number;
}

export function pageArgs(input?: PaginationInput | null): { skip: number; take: number } {
  const offset = input?.offset ?? 0;
  const limit = input?.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(offset) || offset < 0) throw badInput("pagination.offset", "must be 0 or more");
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badInput("pagination.limit", `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return { skip: offset, take: limit };
}
