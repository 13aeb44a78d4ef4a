import { ensureKitTables, pgAdapter, SYSTEM_ACTOR, type RequestContext } from "@opsconductor/kit/subgraph";
import { randomBytes, randomUUID } from "node:crypto";
import { CredentialService } from "../src/credential/credential.service";
import { Keyring } from "../src/credential/keyring";
import { PrismaClient } from "../src/generated/prisma/client";
import { migratedDatabase } from "./harness";

// Replacing the master key changes what opens the whole database, so this file gets a database of its own.
const ctx = { requestId: "test", actor: SYSTEM_ACTOR, user: { id: randomUUID(), username: "admin", roles: [], permissions: ["targets:write"] } } as unknown as RequestContext;

describe("master key replacement", () => {
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = new PrismaClient({ adapter: pgAdapter((await migratedDatabase("keys")).url, 2) });
    await ensureKitTables(prisma);
  });

  afterAll(() => prisma?.$disconnect());

  it("rotates the data key, re-wraps every data key under a new master key, and only the new key opens the database", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const keyring = new Keyring(prisma, oldKey);
    await keyring.verify();
    const credentials = new CredentialService(prisma, (fn, options) => prisma.$transaction(fn, { timeout: options?.timeout }), keyring);
    const secrets = Array.from({ length: 25 }, (_, i) => `secret-${i}-${randomUUID()}`);
    const ids: string[] = [];
    for (const [i, password] of secrets.entries()) ids.push((await credentials.create(ctx, { name: `k-${i}`, type: "PASSWORD", username: "root", password })).id);

    const report = await credentials.rotateKeys();
    expect(report).toMatchObject({ version: 2, resealed: 25, failed: 0 });
    expect(await keyring.rewrap(newKey)).toBe(2);

    await expect(new Keyring(prisma, oldKey).verify()).rejects.toThrow(/does not open data key version 1/);
    const reopened = new CredentialService(prisma, (fn) => prisma.$transaction(fn), new Keyring(prisma, newKey));
    await reopened.keyring.verify();
    for (const [i, id] of ids.entries()) await expect(reopened.open(id)).resolves.toMatchObject({ secrets: { password: secrets[i] } });
  });
});
