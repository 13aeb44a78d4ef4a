#!/usr/bin/env node
// Usage: node scripts/new-migration.mjs <service> <name>
// Authors a migration from the last snapshot to prisma/<service>/schema.prisma (offline, no `migrate dev`).
import { newMigration } from "./lib/db.cjs";

const [service, name] = process.argv.slice(2);
if (!service || !name) {
  console.error("usage: node scripts/new-migration.mjs <service> <name>");
  process.exit(2);
}
const dir = await newMigration(service, name);
console.log(dir ? `wrote ${dir}` : `prisma/${service}/schema.prisma has no changes since the last migration`);
