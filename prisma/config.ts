import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

/**
 * One service's Prisma config. Prisma's engine binaries cannot be downloaded here, so the JS schema
 * engine runs through adapter-pg (hence no `migrate dev`; see scripts/lib/db.cjs).
 */
export function serviceConfig(dir: string) {
  // One naming rule for every service database (see scripts/lib/registry.cjs).
  const defaultDatabase = `${path.basename(dir)}_db`;
  return defineConfig({
    experimental: { adapter: true },
    engine: "js",
    schema: path.join(dir, "schema.prisma"),
    migrations: { path: path.join(dir, "migrations") },
    adapter: async () =>
      new PrismaPg({ connectionString: process.env.DATABASE_URL ?? `postgresql://postgres@127.0.0.1:5432/${defaultDatabase}` }),
  });
}
