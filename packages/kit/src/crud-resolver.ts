import { Arg, Ctx, ID, Info, Mutation, Query, Resolver, type ClassType } from "type-graphql";
import { PaginationInput } from "./pagination";

/** A GraphQL type as type-graphql takes it, given lazily (`() => Target`, `() => [Target]`, `() => Boolean`). */
type TypeThunk = () => object | [object];

/** One Query or Mutation that a crudResolver declares: its type, arguments and the service call it makes. */
export interface CrudField<S, C> {
  kind: "query" | "mutation";
  /** What the field returns; gets the resolver's own type for fields that return it. */
  returns: (entity: TypeThunk) => TypeThunk;
  nullable?: boolean;
  description?: string;
  /** The field's arguments after the context, in order. */
  args: Array<{ name: string; type: TypeThunk; nullable?: boolean }>;
  /** What the field does: the service, the request context, then the arguments in their order (and the resolve info last, with `info`). */
  call: (service: S, ctx: C, ...args: never[]) => unknown;
  /** Pass GraphQL's resolve info after the arguments (a list reads only the columns the query selects: selectedFields). */
  info?: boolean;
}

/** The service methods the ready-made fields below call (the context type is the service's own). */
type Lists = { list(ctx: never, ...args: never[]): unknown };
type Gets = { get(ctx: never, id: string): unknown };
type Creates = { create(ctx: never, input: never): unknown };
type Updates = { update(ctx: never, id: string, input: never): unknown };
type Deletes = { delete(ctx: never, id: string): unknown };
type Enables = { setEnabled(ctx: never, id: string, enabled: boolean): unknown };

const idArg = { name: "id", type: () => ID };

/**
 * Declares the usual list/get/create/update/delete fields of a resolver once, so that a service's resolver
 * keeps only its special fields. Use it instead of `@Resolver(() => X)`:
 *
 * ```ts
 * @CrudResolver(() => Target, (ctx: TargetsContext) => ctx.targets, {
 *   targets: crud.list(() => TargetPage, "Active targets; needs targets:read.", { filter: () => TargetFilter, pagination: () => PaginationInput }),
 *   target: crud.get("Null when the target does not exist."),            // target(id: ID!): Target    → targets.get(ctx, id)
 *   createTarget: crud.create(() => CreateTargetInput, "Needs targets:write."),  // (input: …!): Target! → targets.create(ctx, input)
 *   updateTarget: crud.update(() => UpdateTargetInput, "Needs targets:write."),  // (id: ID!, input: …!) → targets.update(ctx, id, input)
 *   deleteTarget: crud.remove("Needs targets:write."),                    // (id: ID!): Boolean!       → targets.delete(ctx, id)
 * })
 * export class TargetResolver { …field resolvers and other fields, written as usual… }
 * ```
 *
 * Each key is the field's name in the schema; each value says its type, arguments and description and which
 * service method it calls with `(ctx, …arguments)`. The fields are plain delegations: the service checks the
 * permissions and holds the rules, as everywhere. The fields are added to the class itself rather than
 * inherited from an abstract base class (type-graphql's resolver inheritance): each service has its own set of
 * these fields and its own list arguments, so they are declared one by one anyway, and the schema field name
 * stays the method's name.
 */
export function CrudResolver<S, C>(entity: () => ClassType, service: (ctx: C) => S, fields: Record<string, CrudField<S, C>>): ClassDecorator {
  return (target) => {
    const prototype = target.prototype as Record<string, unknown>;
    for (const [name, field] of Object.entries(fields)) {
      if (name in prototype) throw new Error(`${target.name}.${name} is declared both by CrudResolver and by the class`);
      const call = field.call as (service: S, ctx: C, ...args: unknown[]) => unknown;
      const descriptor = { value: (ctx: C, ...args: unknown[]) => call(service(ctx), ctx, ...args), writable: true, configurable: true };
      Object.defineProperty(prototype, name, descriptor);
      const decorate = field.kind === "query" ? Query : Mutation;
      decorate(field.returns(entity), { nullable: field.nullable, description: field.description })(prototype, name, descriptor);
      // Last first, as TypeScript applies parameter decorators: type-graphql prints arguments in the order they were
      // registered, so a field declared here prints exactly as the hand-written one did.
      field.args.map((arg, index) => ({ arg, index })).reverse().forEach(({ arg, index }) => Arg(arg.name, arg.type, { nullable: arg.nullable })(prototype, name, index + 1));
      Ctx()(prototype, name, 0);
      if (field.info) Info()(prototype, name, field.args.length + 1);
    }
    Resolver(entity)(target);
  };
}

/**
 * A list query: `(args…)` → `service.list(ctx, …args)`, or with `call` "object" `service.list(ctx, { …args })`,
 * or any other call. The arguments are all optional; by default only `pagination`. With `{ info: true }` the
 * call gets GraphQL's resolve info last (`service.list(ctx, { …args }, info)`), so the list can read only
 * what the query selects (selectedFields).
 */
function list<S extends Lists, C>(
  returns: TypeThunk,
  description?: string,
  args: Record<string, TypeThunk> = { pagination: () => PaginationInput },
  call: "object" | ((service: S, ctx: C, ...args: never[]) => unknown) = (service, ctx, ...rest) => service.list(ctx as never, ...rest),
  { info = false }: { info?: boolean } = {},
): CrudField<S, C> {
  const names = Object.keys(args);
  const asObject = (service: S, ctx: C, ...values: unknown[]) =>
    service.list(ctx as never, Object.fromEntries(names.map((name, i) => [name, values[i]])) as never, values[names.length] as never);
  const optional = names.map((name) => ({ name, type: args[name], nullable: true }));
  return { kind: "query", returns: () => returns, description, args: optional, call: (call === "object" ? asObject : call) as CrudField<S, C>["call"], info };
}

/** `(id: ID!)`: the resolver's type or null → `service.get(ctx, id)`. */
function get<S extends Gets, C>(description?: string): CrudField<S, C> {
  return { kind: "query", returns: (entity) => entity, nullable: true, description, args: [idArg], call: (service, ctx, id) => service.get(ctx as never, id) };
}

/** `(input: Input!)`: the resolver's type → `service.create(ctx, input)`. */
function create<S extends Creates, C>(input: TypeThunk, description?: string): CrudField<S, C> {
  const args = [{ name: "input", type: input }];
  return { kind: "mutation", returns: (entity) => entity, description, args, call: (service, ctx, value) => service.create(ctx as never, value) };
}

/** `(id: ID!, input: Input!)`: the resolver's type → `service.update(ctx, id, input)`. */
function update<S extends Updates, C>(input: TypeThunk, description?: string): CrudField<S, C> {
  const args = [idArg, { name: "input", type: input }];
  return { kind: "mutation", returns: (entity) => entity, description, args, call: (service, ctx, id, value) => service.update(ctx as never, id, value) };
}

/** `(id: ID!)`: Boolean → `service.delete(ctx, id)`, or `call`. */
function remove<S extends Deletes, C>(description?: string): CrudField<S, C>;
function remove<S, C>(description: string | undefined, call: (service: S, ctx: C, id: string) => unknown): CrudField<S, C>;
function remove<S, C>(description?: string, call?: (service: S, ctx: C, id: string) => unknown): CrudField<S, C> {
  const byDefault = (service: S, ctx: C, id: string) => (service as unknown as Deletes).delete(ctx as never, id);
  return { kind: "mutation", returns: () => () => Boolean, description, args: [idArg], call: (call ?? byDefault) as CrudField<S, C>["call"] };
}

/** A mutation on one item, `(id: ID!)` → `call(service, ctx, id)`; it returns the resolver's type unless `returns`. */
function byId<S, C>(description: string | undefined, call: (service: S, ctx: C, id: string) => unknown, returns?: TypeThunk): CrudField<S, C> {
  return { kind: "mutation", returns: (entity) => returns ?? entity, description, args: [idArg], call: call as CrudField<S, C>["call"] };
}

/** `(id: ID!, enabled: Boolean!)`: the resolver's type → `service.setEnabled(ctx, id, enabled)`, or `call`. */
function setEnabled<S extends Enables, C>(description?: string): CrudField<S, C>;
function setEnabled<S, C>(description: string | undefined, call: (service: S, ctx: C, id: string, enabled: boolean) => unknown): CrudField<S, C>;
function setEnabled<S, C>(description?: string, call?: (service: S, ctx: C, id: string, enabled: boolean) => unknown): CrudField<S, C> {
  const byDefault = (service: S, ctx: C, id: string, enabled: boolean) => (service as unknown as Enables).setEnabled(ctx as never, id, enabled);
  const args = [idArg, { name: "enabled", type: () => Boolean }];
  return { kind: "mutation", returns: (entity) => entity, description, args, call: (call ?? byDefault) as CrudField<S, C>["call"] };
}

/** The ready-made fields for CrudResolver. */
export const crud = { list, get, create, update, remove, byId, setEnabled };
