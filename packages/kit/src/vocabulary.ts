import DataLoader from "dataloader";
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType, type ClassType } from "type-graphql";

/** The values of an enum object made by `graphqlEnum`, as a type. */
export type EnumOf<E> = E[keyof E];

type EnumOptions<E extends object> = Omit<Parameters<typeof registerEnumType<E>>[1], "name">;

/**
 * A GraphQL enum defined once: the values object for code (`Status.OPEN`) and its type-graphql registration.
 * Values name themselves (`["OPEN", "CLOSED"]`) or map GraphQL names to stored values (`{ BASH: "bash" }`).
 * `export const Status = graphqlEnum("Status", [...]); export type Status = EnumOf<typeof Status>;`
 */
export function graphqlEnum<const V extends string>(name: string, values: readonly V[], options?: EnumOptions<{ [K in V]: K }>): { readonly [K in V]: K };
export function graphqlEnum<const E extends Record<string, string>>(name: string, values: E, options?: EnumOptions<E>): E;
export function graphqlEnum(name: string, values: readonly string[] | Record<string, string>, options?: object): object {
  const object = Array.isArray(values) ? Object.freeze(Object.fromEntries(values.map((value) => [value, value]))) : values;
  registerEnumType(object, { ...options, name });
  return object;
}

/** The one sort direction of the supergraph. */
export const SortDirection = graphqlEnum("SortDirection", ["ASC", "DESC"]);
export type SortDirection = EnumOf<typeof SortDirection>;

/** Prisma's spelling of a direction; ascending when none is given. */
export const prismaOrder = (direction?: SortDirection | null): "asc" | "desc" => (direction === SortDirection.DESC ? "desc" : "asc");

/**
 * A list's sort input, a field of the given enum and a direction, each with its default:
 * `@InputType() class TargetSort extends SortInput(TargetSortField, { field: "NAME", direction: "ASC" }) {}`.
 * `required`: the fields are non-null in the schema (they still have their defaults).
 */
export function SortInput<F extends string>(fieldEnum: { readonly [key: string]: F }, defaults: { field: F; direction: SortDirection }, options: { required?: boolean } = {}) {
  const nullable = !options.required;
  // Not emitted itself (like Page): only the subclasses are reachable.
  @InputType()
  abstract class SortClass {
    @Field(() => fieldEnum, { nullable, defaultValue: defaults.field })
    field?: F | null;

    @Field(() => SortDirection, { nullable, defaultValue: defaults.direction })
    direction?: SortDirection | null;
  }
  return SortClass;
}

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
