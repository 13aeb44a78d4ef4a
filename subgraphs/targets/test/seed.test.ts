import { ADMIN_USER_ID, ensureKitTables, pgAdapter } from "@opsconductor/kit/subgraph";
import { outboxEvents } from "@opsconductor/kit/testing";
import { Client } from "pg";
import { PrismaClient } from "../src/generated/prisma/client";
import { seedDemoTargets } from "../src/seed";
import { migratedDatabase } from "./harness";

// The seed only acts on an empty inventory, so it gets a database of its own, migrated from the committed SQL.


describe("seed", () => {
  let prisma: PrismaClient;
  let database: { url: string; name: string };

  beforeAll(async () => {
    database = await migratedDatabase("seed");
    prisma = new PrismaClient({ adapter: pgAdapter(database.url, 2) });
    await ensureKitTables(prisma);
  });

  afterAll(async () => {
    await prisma.$disconnect();
    const admin = new Client({ connectionString: database.url.replace(`/${database.name}`, "/postgres") });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database.name}" WITH (FORCE)`);
    await admin.end();
  });

  it("inserts the four demo targets, created by admin, each with one created event, into an empty inventory", async () => {
    expect(await seedDemoTargets(prisma)).toBe(4);
    const targets = await prisma.target.findMany({ orderBy: { name: "asc" } });
    expect(targets.map((t) => [t.name, t.address, t.port, t.osType, t.environment, t.tags])).toEqual([
      ["core-sw-01", "127.0.255.1", 22, "NETWORK", "production", ["network"]],
      ["db-01", "127.0.0.21", 22, "LINUX", "production", ["db", "postgres"]],
      ["web-01", "127.0.0.11", 22, "LINUX", "production", ["web", "nginx"]],
      ["win-app-01", "127.0.1.5", 5985, "WINDOWS", "staging", []],
    ]);
    expect(new Set(targets.map((t) => t.createdById))).toEqual(new Set([ADMIN_USER_ID]));
    const events = await outboxEvents(prisma);
    expect(events.map((e) => e.type)).toEqual(Array(4).fill("targets.target.created"));
    expect(new Set(events.map((e) => e.subject.id))).toEqual(new Set(targets.map((t) => t.id)));
  });

  it("changes nothing when targets exist, even if they were all deleted", async () => {
    await prisma.target.updateMany({ data: { deletedAt: new Date(), active: null } });
    expect(await seedDemoTargets(prisma)).toBe(0);
    expect(await prisma.target.count()).toBe(4);
    expect(await outboxEvents(prisma)).toHaveLength(4);
  });
});
