#!/usr/bin/env node
// `npm run new:subgraph -- <name>`: a working, registered, composed, migrated and tested empty
// subgraph. It writes only subgraphs/<name>/ and prisma/<name>/, then regenerates what is generated
// (lockfile, Prisma client, SDL, supergraph, compose file, init.sql, README table). The service has
// one entity with a paginated query, an in-process test and an end-to-end test through the gateway.
import { execFileSync, execSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { ROOT, SERVICES, nextPort } = require("./lib/registry.cjs");
const db = require("./lib/db.cjs");

const name = process.argv[2];
const fail = (message) => {
  console.error(`new:subgraph: ${message}`);
  process.exit(1);
};
if (!name || !/^[a-z][a-z0-9]{1,30}$/.test(name)) fail("usage: npm run new:subgraph -- <name>   (lower-case letters and digits, 2-31 characters)");
if (SERVICES.some((service) => service.name === name) || fs.existsSync(path.join(ROOT, "subgraphs", name))) fail(`subgraphs/${name} exists already`);
if (fs.existsSync(path.join(ROOT, "prisma", name))) fail(`prisma/${name} exists already`);

const Pascal = name[0].toUpperCase() + name.slice(1);
const Item = `${Pascal}Item`;
const items = `${name}Items`;
const table = `${name}_items`;
const port = nextPort();
const write = (file, content) => {
  const full = path.join(ROOT, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content.replace(/^\n/, ""));
};
const kitVersion = JSON.parse(fs.readFileSync(path.join(ROOT, "subgraphs/targets/package.json"), "utf8")).dependencies;

write(`subgraphs/${name}/service.json`, `${JSON.stringify({ port, description: `${name} (new subgraph)`, dependsOn: ["auth"] }, null, 2)}\n`);
write(
  `subgraphs/${name}/package.json`,
  `${JSON.stringify(
    {
      name: `@opsconductor/${name}`,
      version: "0.1.0",
      private: true,
      main: "dist/subgraph.js",
      scripts: {
        build: "tsc -p tsconfig.build.json",
        dev: "node --watch ../../packages/kit/dist/bin/subgraph.js serve .",
        start: "node ../../packages/kit/dist/bin/subgraph.js serve .",
        typecheck: "tsc -p tsconfig.json --noEmit",
        lint: "eslint src test",
        test: "jest",
      },
      dependencies: Object.fromEntries(
        ["@opsconductor/kit", "@opsconductor/prisma", "@prisma/adapter-pg", "@prisma/client", "graphql", "reflect-metadata", "type-graphql", "zod"].map((dep) => [dep, kitVersion[dep]]),
      ),
    },
    null,
    2,
  )}\n`,
);
for (const file of ["tsconfig.json", "tsconfig.build.json"]) fs.copyFileSync(path.join(ROOT, "subgraphs/targets", file), path.join(ROOT, "subgraphs", name, file));
write(`subgraphs/${name}/jest.config.cjs`, `module.exports = require("../../jest.base.cjs")(__dirname, { displayName: "${name}" });\n`);

write(`subgraphs/${name}/src/env.ts`, `
import { baseEnv, z } from "@opsconductor/kit/subgraph";

export const envSchema = z.object({ ...baseEnv });
export type Env = z.infer<typeof envSchema>;
`);
write(`subgraphs/${name}/src/subgraph.ts`, `
import { defineSubgraph, pgAdapter } from "@opsconductor/kit/subgraph";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { ${Item}Resolver } from "./${name}/${name}.resolver";
import { ${Item}Service } from "./${name}/${name}.service";

/** The ${name} subgraph. */
export default defineSubgraph({
  name: "${name}",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: { resolvers: [${Item}Resolver] },
  services: ({ prisma, transaction }) => ({ ${name}: new ${Item}Service(prisma, transaction) }),
});
`);
write(`subgraphs/${name}/src/${name}/${name}.type.ts`, `
import { Page } from "@opsconductor/kit/subgraph";
import { Field, GraphQLISODateTime, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "An item of the ${name} service." })
export class ${Item} {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType({ description: "One page of ${name} items and the total." })
export class ${Item}Page extends Page(${Item}) {}
`);
write(`subgraphs/${name}/src/${name}/${name}.service.ts`, `
import { pageArgs, requireUser, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { ${Item}Page } from "./${name}.type";

/** Rules and data access of ${name} items. Add this service's permissions to kit's catalog and check them here. */
export class ${Item}Service {
  constructor(
    private readonly prisma: PrismaClient,
    readonly transaction: Transact<Prisma.TransactionClient>,
  ) {}

  async list(ctx: RequestContext, pagination?: PaginationInput | null): Promise<${Item}Page> {
    requireUser(ctx);
    const { skip, take } = pageArgs(pagination);
    const [items, total] = await Promise.all([
      this.prisma.${name}Item.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip, take }),
      this.prisma.${name}Item.count(),
    ]);
    return { items, total };
  }
}
`);
write(`subgraphs/${name}/src/${name}/${name}.resolver.ts`, `
import { crud, CrudResolver, type RequestContext } from "@opsconductor/kit/subgraph";
import type { ${Item}Service } from "./${name}.service";
import { ${Item}, ${Item}Page } from "./${name}.type";

type Context = RequestContext & { ${name}: ${Item}Service };

/** GraphQL ↔ ${Item}Service. Add get/create/update/remove fields (see CrudResolver in kit) as the service grows. */
@CrudResolver(() => ${Item}, (ctx: Context) => ctx.${name}, {
  ${items}: crud.list(() => ${Item}Page, "${Pascal} items, oldest first; needs a signed-in user."),
})
export class ${Item}Resolver {}
`);
write(`subgraphs/${name}/test/${name}.test.ts`, `
import type { RunningOf } from "@opsconductor/kit/subgraph";
import { createTestSigner, errorCodes, startTestSubgraph, subgraphClient, type SubgraphClient } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import ${name}Subgraph from "../src/subgraph";

const QUERY = "query { ${items}(pagination: { limit: 100 }) { total items { id name createdAt } } }";

describe("${name} subgraph", () => {
  const signer = createTestSigner();
  let subgraph: RunningOf<typeof ${name}Subgraph>;
  /** Calls the subgraph as the gateway does (with its proof). */
  let gql: SubgraphClient;
  beforeAll(async () => {
    subgraph = await startTestSubgraph(${name}Subgraph, { keys: signer.keys });
    gql = subgraphClient(subgraph);
  });
  afterAll(() => subgraph.stop());

  it("refuses a caller without a token", async () => {
    expect(errorCodes(await gql(QUERY))).toEqual(["UNAUTHENTICATED"]);
  });

  it("lists stored items with their total for a signed-in caller", async () => {
    const name = \`item-\${randomUUID()}\`;
    await subgraph.prisma.${name}Item.create({ data: { name } });
    const result = await gql<{ ${items}: { total: number; items: Array<{ name: string }> } }>(QUERY, {}, { token: signer.sign({ id: randomUUID() }) });
    expect(result.errors).toBeUndefined();
    expect(result.data?.${items}.items.map((item) => item.name)).toContain(name);
    expect(result.data?.${items}.total).toBeGreaterThanOrEqual(1);
  });
});
`);
write(`subgraphs/${name}/test/e2e/${name}.test.ts`, `
import { e2eStack, errorCodes, graphql, login } from "@opsconductor/kit/testing";

describe("${name} through the gateway", () => {
  it("answers ${items} for a signed-in admin and refuses an anonymous caller", async () => {
    const { gatewayUrl, adminPassword } = e2eStack();
    const { accessToken } = await login(gatewayUrl, "admin", adminPassword);
    const query = "query { ${items} { total items { id name } } }";
    const result = await graphql<{ ${items}: { total: number; items: unknown[] } }>(gatewayUrl, query, {}, { token: accessToken });
    expect(result.errors).toBeUndefined();
    expect(result.data?.${items}).toEqual({ total: 0, items: [] });
    expect(errorCodes(await graphql(gatewayUrl, query))).toEqual(["UNAUTHENTICATED"]);
  });
});
`);
write(`prisma/${name}/schema.prisma`, `
// ${name} service.
generator client {
  provider     = "prisma-client"
  output       = "../../subgraphs/${name}/src/generated/prisma"
  moduleFormat = "cjs"
  engineType   = "client"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model ${Item} {
  id        String   @id @default(uuid()) @db.Uuid
  name      String
  createdAt DateTime @default(now()) @map("created_at")

  @@map("${table}")
}
`);
write(`prisma/${name}/prisma.config.ts`, `import { serviceConfig } from "../config";\n\nexport default serviceConfig(__dirname);\n`);

const run = (command, args) => execFileSync(command, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });
console.log(`» subgraphs/${name} and prisma/${name} written (port ${port}, database ${name}_db)`);
const migration = await db.newMigration(name, "init");
console.log(`» ${path.relative(ROOT, migration)}`);
execSync("npm install --no-audit --no-fund", { cwd: ROOT, stdio: "inherit" });
await db.generate(name);
run(path.join(ROOT, "node_modules/.bin/turbo"), ["run", "build", "--output-logs=errors-only"]);
run(process.execPath, ["gateway/scripts/compose.mjs"]);
console.log(`
${name} is registered, composed and migrated. Next: add its permissions to packages/kit/src/permissions.ts,
model its data in prisma/${name}/schema.prisma (then node scripts/new-migration.mjs ${name} <change>), and
run npm test.`);
