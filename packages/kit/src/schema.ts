import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { type GraphQLSchema, parse } from "graphql";
import { buildSchema, createResolversMap, type BuildSchemaOptions } from "type-graphql";
import { permissionAuthChecker } from "./auth";

const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag"])';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reference resolvers receive entity-specific shapes
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: any, context: any) => unknown }>;

export interface FederatedSchemaOptions {
  resolvers: BuildSchemaOptions["resolvers"];
  orphanedTypes?: BuildSchemaOptions["orphanedTypes"];
  /** `__resolveReference` per entity type name. */
  references?: ReferenceResolvers;
}

async function typeGraphqlSchema(options: FederatedSchemaOptions) {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    authChecker: permissionAuthChecker,
    skipCheck: true,
    validate: false,
  });
  // Plain printSchema drops @key; the federation link makes the SDL a Federation 2 subgraph.
  return { schema, sdl: `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema)}` };
}

/** type-graphql classes → SDL with @key directives → Apollo subgraph schema. */
export async function buildFederatedSchema(options: FederatedSchemaOptions): Promise<{ schema: GraphQLSchema; sdl: string }> {
  const { schema, sdl } = await typeGraphqlSchema(options);
  const resolvers: Record<string, object> = { ...(createResolversMap(schema) as Record<string, object>) };
  for (const [typeName, reference] of Object.entries(options.references ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], ...reference };
  }
  return { schema: buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: resolvers as GraphQLResolverMap<unknown> }]), sdl };
}

/** The subgraph's SDL as composition sees it; no server or database needed. */
export async function subgraphSdl(options: FederatedSchemaOptions): Promise<string> {
  return (await typeGraphqlSchema(options)).sdl;
}

/** Body of a service's `src/sdl.ts`: prints its SDL for static composition (no server, no database). */
export function printSdl(service: string, options: FederatedSchemaOptions): void {
  subgraphSdl(options).then(
    (sdl) => process.stdout.write(`${sdl.trim()}\n`),
    (error: unknown) => {
      process.stderr.write(`cannot print the ${service} SDL: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
