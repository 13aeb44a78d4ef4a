import DataLoader from "dataloader";
import { Directive, Field, ID, Int, ObjectType, registerEnumType, type ClassType } from "type-graphql";

/** The one sort direction of the supergraph. */
export enum SortDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(SortDirection, { name: "SortDirection" });

/** Prisma's spelling of a direction; ascending when none is given. */
export const prismaOrder = (direction?: SortDirection | null): "asc" | "desc" => (direction === SortDirection.DESC ? "desc" : "asc");

/**
 * A page of items and the total matching the filter (offset pagination, see PaginationInput):
 * `@ObjectType() class TargetPage extends Page(Target) {}`.
 */
export function Page<T extends object>(itemType: ClassType<T>) {
  // Not emitted itself: type-graphql 2 puts only reachable types in a schema, and only subclasses are used.
  @ObjectType()
  abstract class PageClass {
    @Field(() => [itemType])
    items!: T[];

    @Field(() => Int, { description: "Everything matching the filter, ignoring pagination." })
    total!: number;
  }
  return PageClass;
}

/** The users subgraph owns User; this stub lets any other subgraph point at one (`createdBy`, `user`). */
@ObjectType("User")
@Directive('@key(fields: "id", resolvable: false)')
export class UserReference {
  @Field(() => ID)
  id!: string;
}
export const userReference = (id: string | null | undefined): UserReference | null => (id ? { id } : null);

/**
 * A per-request loader by id: one query for every id asked for in a tick, answers in the order asked,
 * null for ids the query did not return. Build it in the request context, never share it between requests.
 */
export function byIdLoader<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await load(ids);
    const byId = new Map(rows.map((row) => [row.id.toLowerCase(), row]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  });
}
