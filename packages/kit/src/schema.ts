import { buildSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { type GraphQLSchema, parse } from "graphql";
import { buildSchema, createResolversMap, type BuildSchemaOptions } from "type-graphql";
import { permissionAuthChecker, requirePermission, type AuthContext } from "./auth";
import type { Permission } from "./permissions";

const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag"])';

/**
 * How one entity type is resolved from its key (`_entities`), and the permission a caller needs for
 * it. The permission is required: `_entities` is a query anyone past the door can send for any key,
 * so the kit checks it (UNAUTHENTICATED without a user, FORBIDDEN without the permission) before
 * `__resolveReference` runs, and a new entity cannot forget it.
 */
export interface EntityReference {
  permission: Permission;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reference resolvers receive entity-specific shapes
  __resolveReference: (reference: any, context: any) => unknown;
}
export type ReferenceResolvers = Record<string, EntityReference>;

export interface FederatedSchemaOptions {
  resolvers: BuildSchemaOptions["resolvers"];
  orphanedTypes?: BuildSchemaOptions["orphanedTypes"];
  /** `__resolveReference` per entity type name. */
  references?: ReferenceResolvers;
}

const SERVED_BY_GATEWAY = "subscriptions are served by the gateway's subscription layer, not by a subgraph";
const gatewayServedPubSub: NonNullable<BuildSchemaOptions["pubSub"]> = {
  publish: () => {
    throw new Error(SERVED_BY_GATEWAY);
  },
  subscribe: () => {
    throw new Error(SERVED_BY_GATEWAY);
  },
};

/**
 * The `subscribe` of a subgraph's `@Subscription` field: subscriptions reach the gateway only, which
 * serves them from the live topics (live.ts); one sent to a subgraph directly is refused.
 * Usage: `@Subscription(() => Run, { subscribe: servedByGateway })`.
 */
export function servedByGateway(): never {
  throw new Error(SERVED_BY_GATEWAY);
}

async function typeGraphqlSchema(options: FederatedSchemaOptions) {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    authChecker: permissionAuthChecker,
    skipCheck: true,
    validate: false,
    // Subscription fields are declared here so they appear in the supergraph, but the gateway's
    // subscription layer serves them (see live.ts); a subgraph never runs one.
    pubSub: gatewayServedPubSub,
  });
  // Plain printSchema drops @key; the federation link makes the SDL a Federation 2 subgraph.
  return { schema, sdl: `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema)}` };
}

// The resolver map type is not exported from @apollo/subgraph's entry point; take it from the public signature.
type SubgraphModule = Extract<Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number], { typeDefs: unknown }>;
type SubgraphResolvers = NonNullable<SubgraphModule["resolvers"]>;

/** type-graphql classes → SDL with @key directives → Apollo subgraph schema. */
export async function buildFederatedSchema(options: FederatedSchemaOptions): Promise<{ schema: GraphQLSchema; sdl: string }> {
  const { schema, sdl } = await typeGraphqlSchema(options);
  const resolvers: Record<string, object> = { ...(createResolversMap(schema) as Record<string, object>) };
  for (const [typeName, { permission, __resolveReference: resolve }] of Object.entries(options.references ?? {})) {
    resolvers[typeName] = {
      ...resolvers[typeName],
      __resolveReference: (reference: unknown, context: AuthContext) => {
        requirePermission(context, permission);
        return resolve(reference, context);
      },
    };
  }
  return { schema: buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: resolvers as SubgraphResolvers }]), sdl };
}

/** The subgraph's SDL as composition sees it; no server or database needed. */
export async function subgraphSdl(options: FederatedSchemaOptions): Promise<string> {
  return (await typeGraphqlSchema(options)).sdl;
}
