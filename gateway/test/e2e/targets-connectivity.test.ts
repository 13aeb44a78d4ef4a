import { startSshd, type SshdFixture, withFreshPort } from "@opsconductor/kit/testing";
import net from "node:net";
import { Client } from "pg";
import { gql, loginAsAdmin, stack, unique } from "./stack";

/**
 * The targets issue's must-show list, through the gateway, against real sshd processes on 127.0.0.1
 * that this file starts (the stack's CONNECTION_TEST_TIMEOUT_MS is 5 s, see global-setup.cjs).
 */

let sshd: SshdFixture;
let token: string;

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await gql<T>(query, variables, token);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

interface Check {
  ok: boolean;
  latencyMs: number;
  errorCategory: string | null;
  serverVersion: string | null;
}

const credential = async (input: Record<string, unknown>) =>
  (await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", { input: { name: unique("cred"), ...input } }))
    .createCredential.id;

/** A target with one SSH method on 127.0.0.1:<port>; the target's own port only has to be unique. */
async function sshTarget(port: number, credentialId: string): Promise<{ id: string; methodId: string }> {
  const target = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: unique("ssh"), address: "127.0.0.1", port },
    }),
  );
  const method = await call<{ addConnectionMethod: { id: string } }>(
    "mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }",
    { t: target.createTarget.id, input: { type: "SSH", port, credentialId } },
  );
  return { id: target.createTarget.id, methodId: method.addConnectionMethod.id };
}

const testConnection = async (id: string) =>
  (await call<{ testTargetConnection: Check }>("mutation($id: ID!) { testTargetConnection(id: $id) { ok latencyMs errorCategory serverVersion } }", { id })).testTargetConnection;

async function targetsDb<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: stack().envs.targets.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  sshd = await startSshd({ count: 2 });
  token = (await loginAsAdmin()).accessToken;
}, 60_000);

afterAll(() => sshd?.stop());

describe("connection tests through the gateway against real sshd", () => {
  it("logs in with a password, an ed25519 key and an RSA key", async () => {
    const creds = [
      await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password }),
      await credential({ type: "SSH_KEY", username: sshd.user, privateKey: sshd.keys.ed25519.privateKey }),
      await credential({ type: "SSH_KEY", username: sshd.user, privateKey: sshd.keys.rsa.privateKey }),
    ];
    for (const cred of creds) {
      const check = await testConnection((await sshTarget(sshd.ports[0], cred)).id);
      expect(check).toMatchObject({ ok: true, errorCategory: null });
      expect(check.serverVersion).toMatch(/^OpenSSH_/);
    }
  });

  it("reports AUTH_FAILED, REFUSED and TIMEOUT (within the configured 3 s)", async () => {
    const wrong = await credential({ type: "PASSWORD", username: sshd.user, password: "not-the-password" });
    expect(await testConnection((await sshTarget(sshd.ports[0], wrong)).id)).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });

    const good = await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    expect(await testConnection((await sshTarget(closed, good)).id)).toMatchObject({ ok: false, errorCategory: "REFUSED" });

    const sockets: net.Socket[] = [];
    // The probe gives up and resets; that reset must not surface as an uncaught error later.
    const silent = net.createServer((socket) => sockets.push(socket.on("error", () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const started = Date.now();
      const check = await testConnection((await sshTarget((silent.address() as net.AddressInfo).port, good)).id);
      expect(check).toMatchObject({ ok: false, errorCategory: "TIMEOUT" });
      expect(check.latencyMs).toBeLessThan(5_500);
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    }
  });

  it("fails decryption clearly for a flipped byte and for swapped ciphertexts, and the connection test fails", async () => {
    const a = await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const b = await credential({ type: "PASSWORD", username: sshd.user, password: `${sshd.password}-b` });
    const target = await sshTarget(sshd.ports[0], a);
    expect(await testConnection(target.id)).toMatchObject({ ok: true });

    const read = (id: string) => targetsDb(async (db) => (await db.query("SELECT ciphertext, key_version FROM credential_secrets WHERE credential_id = $1 AND field = 'password'", [id])).rows[0]);
    const write = (id: string, row: { ciphertext: string; key_version: number }) =>
      targetsDb((db) => db.query("UPDATE credential_secrets SET ciphertext = $2, key_version = $3 WHERE credential_id = $1 AND field = 'password'", [id, row.ciphertext, row.key_version]));
    const [sa, sb] = [await read(a), await read(b)];
    const parts = sa.ciphertext.split(".");
    const body = Buffer.from(parts[3], "base64url");
    body[body.length - 1] ^= 0x80;
    try {
      await write(a, { ...sa, ciphertext: [...parts.slice(0, 3), body.toString("base64url")].join(".") });
      expect(await testConnection(target.id)).toMatchObject({ ok: false, errorCategory: "DECRYPTION_FAILED" });
      await write(a, sb);
      expect(await testConnection(target.id)).toMatchObject({ ok: false, errorCategory: "DECRYPTION_FAILED" });
    } finally {
      await write(a, sa);
    }
    expect(await testConnection(target.id)).toMatchObject({ ok: true });
  });

  it("refuses a host key that changed between two tests with HOST_KEY_MISMATCH", async () => {
    const cred = await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const target = await sshTarget(sshd.ports[1], cred);
    expect(await testConnection(target.id)).toMatchObject({ ok: true });
    await sshd.replaceHostKey(1);
    expect(await testConnection(target.id)).toMatchObject({ ok: false, errorCategory: "HOST_KEY_MISMATCH" });
    const method = await call<{ target: { connectionMethods: Array<{ pendingHostKeyFingerprint: string }> } }>(
      "query($id: ID!) { target(id: $id) { connectionMethods { pendingHostKeyFingerprint } } }",
      { id: target.id },
    );
    expect(method.target.connectionMethods[0].pendingHostKeyFingerprint).toBe(sshd.servers[1].hostKeyFingerprint);
  });

  it("runs a bulk test over 100 targets, reporting progress and correct per-target results", async () => {
    const good = await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const bad = await credential({ type: "PASSWORD", username: sshd.user, password: "wrong-password" });
    // Server 1 changed its key in the previous test; new targets learn the current one.
    const expected = new Map<string, boolean>();
    for (let i = 0; i < 100; i++) {
      const ok = i % 10 !== 3;
      const target = await sshTarget(sshd.ports[i % 2], ok ? good : bad);
      expected.set(target.id, ok);
    }
    const started = await call<{ testTargetConnections: { id: string; total: number } }>("mutation($ids: [ID!]) { testTargetConnections(ids: $ids) { id total } }", {
      ids: [...expected.keys()],
    });
    expect(started.testTargetConnections.total).toBe(100);
    type Batch = { total: number; done: number; ok: number; failed: number; results: Array<{ targetId: string; ok: boolean; errorCategory: string | null }> };
    const seen: number[] = [];
    let batch: Batch;
    for (;;) {
      batch = (await call<{ connectionTestBatch: Batch }>("query($id: ID!) { connectionTestBatch(id: $id) { total done ok failed results { targetId ok errorCategory } } }", { id: started.testTargetConnections.id }))
        .connectionTestBatch;
      seen.push(batch.done);
      if (batch.done === batch.total) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(batch).toMatchObject({ total: 100, done: 100, ok: 90, failed: 10 });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(batch.results).toHaveLength(100);
    const outcomes = Object.fromEntries(batch.results.map((result) => [result.targetId, result.ok || result.errorCategory]));
    expect(outcomes).toEqual(Object.fromEntries([...expected].map(([id, ok]) => [id, ok || "AUTH_FAILED"])));
  }, 120_000);
});

describe("import through the gateway", () => {
  it("reports the 3 bad rows of a 500-row CSV, writes nothing on a dry run, then imports the fixed file", async () => {
    const tag = unique("imp").toLowerCase().replace(/[^a-z0-9-]/g, "");
    const second = 1 + Math.floor(Math.random() * 250);
    const lines = ["name,address,port,osType,environment,tags"];
    for (let i = 1; i <= 500; i++) lines.push(`${tag}-${i},127.${second}.${Math.floor(i / 250)}.${(i % 250) + 1},22,LINUX,staging,${tag}`);
    const broken = [...lines];
    broken[5] = broken[5].replace(`${tag}-5,`, ",");
    broken[123] = broken[123].replace(",LINUX,", ",AMIGA,");
    broken[499] = broken[499].replace(",22,", ",0,");
    const IMPORT = "mutation($input: ImportTargetsInput!) { importTargets(input: $input) { ok total created errors { row field message } } }";
    const run = async (content: string, dryRun: boolean) =>
      (await call<{ importTargets: { ok: boolean; total: number; created: number; errors: Array<{ row: number; field: string }> } }>(IMPORT, { input: { format: "CSV", content, dryRun } }))
        .importTargets;
    const count = async () => (await call<{ targets: { total: number } }>("query($tags: [String!]) { targets(filter: { tags: $tags }) { total } }", { tags: [tag] })).targets.total;

    const report = await run(broken.join("\n"), true);
    expect(report.errors.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 5, field: "name" },
      { row: 123, field: "osType" },
      { row: 499, field: "port" },
    ]);
    expect(await count()).toBe(0);
    expect((await run(broken.join("\n"), false)).created).toBe(0);
    expect(await count()).toBe(0);
    expect(await run(lines.join("\n"), true)).toMatchObject({ ok: true, created: 0 });
    expect(await count()).toBe(0);
    expect(await run(lines.join("\n"), false)).toMatchObject({ ok: true, total: 500, created: 500 });
    expect(await count()).toBe(500);
  });
});
