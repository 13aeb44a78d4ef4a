import { outboxEvents, startSshd, type SshdFixture, withFreshPort } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import net from "node:net";
import { startTargets, suffix, type Harness } from "./harness";

// Long enough for 30 handshakes at once on a busy 2-core machine (1.5 s timed out good targets under
// load), short enough that the "listener that never speaks" test stays quick.
const TIMEOUT_MS = 4000;

/** Connection tests against real OpenSSH servers on 127.0.0.1, through the subgraph's GraphQL API. */

let h: Harness;
let sshd: SshdFixture;
let operator: string;
const CHECK = "ok latencyMs errorCategory message serverVersion methodType";

interface Check {
  ok: boolean;
  latencyMs: number;
  errorCategory: string | null;
  message: string | null;
  serverVersion: string | null;
}

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token = operator): Promise<T> {
  const result = await h.graphql<T>(query, variables, { token });
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function credential(input: Record<string, unknown>): Promise<string> {
  const data = await call<{ createCredential: { id: string } }>(
    "mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }",
    { input: { name: `cred-${suffix()}`, ...input } },
  );
  return data.createCredential.id;
}

/** A target on 127.0.0.1:<port> with one SSH method using the credential. */
async function sshTarget(port: number, credentialId: string, username?: string): Promise<{ id: string; methodId: string }> {
  const created = await withFreshPort((targetPort) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: `ssh-${suffix()}`, address: "127.0.0.1", port: targetPort },
    }),
  );
  const method = await call<{ addConnectionMethod: { id: string } }>(
    "mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }",
    { t: created.createTarget.id, input: { type: "SSH", port, credentialId, ...(username ? { username } : {}) } },
  );
  return { id: created.createTarget.id, methodId: method.addConnectionMethod.id };
}

const test = async (id: string): Promise<Check> =>
  (await call<{ testTargetConnection: Check }>(`mutation($id: ID!) { testTargetConnection(id: $id) { ${CHECK} } }`, { id })).testTargetConnection;

beforeAll(async () => {
  [h, sshd] = await Promise.all([startTargets({ CONNECTION_TEST_TIMEOUT_MS: String(TIMEOUT_MS) }), startSshd({ count: 2 })]);
  operator = h.signer.sign({ id: randomUUID(), username: "op", permissions: ["targets:read", "targets:write", "credentials:read"] });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await sshd?.stop();
});

describe("SSH connection tests against a real sshd", () => {
  it("logs in with a password and reports latency and the server version", async () => {
    const cred = await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const target = await sshTarget(sshd.ports[0], cred);
    const check = await test(target.id);
    expect(check).toMatchObject({ ok: true, errorCategory: null });
    expect(check.serverVersion).toMatch(/^OpenSSH_/);
    expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    const row = await h.db.target.findUniqueOrThrow({ where: { id: target.id } });
    expect(row.healthStatus).toBe("HEALTHY");
    expect(row.lastCheckedAt).not.toBeNull();
  });

  it.each(["ed25519", "rsa", "ecdsa", "ed25519Encrypted"] as const)("logs in with the %s key", async (kind) => {
    const key = sshd.keys[kind];
    const cred = await credential({ type: "SSH_KEY", username: sshd.user, privateKey: key.privateKey, passphrase: key.passphrase });
    const view = await call<{ credential: { publicKeyFingerprint: string; hasSecret: boolean } }>(
      "query($id: ID!) { credential(id: $id) { publicKeyFingerprint hasSecret } }",
      { id: cred },
    );
    expect(view.credential).toEqual({ publicKeyFingerprint: key.fingerprint, hasSecret: true });
    const target = await sshTarget(sshd.ports[1], cred);
    expect(await test(target.id)).toMatchObject({ ok: true, errorCategory: null });
  });

  it("reports AUTH_FAILED for a wrong password", async () => {
    const cred = await credential({ type: "PASSWORD", username: sshd.user, password: `wrong-${suffix()}` });
    const target = await sshTarget(sshd.ports[0], cred);
    const check = await test(target.id);
    expect(check).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
    expect((await h.db.target.findUniqueOrThrow({ where: { id: target.id } })).healthStatus).toBe("CRITICAL");
  });

  it("reports REFUSED for a closed port", async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const cred = await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const target = await sshTarget(closed, cred);
    expect(await test(target.id)).toMatchObject({ ok: false, errorCategory: "REFUSED" });
  });

  it("reports TIMEOUT within the limit for a listener that never speaks", async () => {
    const sockets: net.Socket[] = [];
    // The probe gives up and resets; that reset must not surface as an uncaught error later.
    const silent = net.createServer((socket) => sockets.push(socket.on("error", () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const cred = await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
      const target = await sshTarget((silent.address() as net.AddressInfo).port, cred);
      const started = Date.now();
      const check = await test(target.id);
      expect(check).toMatchObject({ ok: false, errorCategory: "TIMEOUT" });
      expect(check.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2000);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    }
  });

  it("trusts the first host key, refuses a changed one with HOST_KEY_MISMATCH and an event, until it is accepted", async () => {
    const cred = await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const target = await sshTarget(sshd.ports[1], cred);
    expect(await test(target.id)).toMatchObject({ ok: true });
    const first = await h.db.connectionMethod.findUniqueOrThrow({ where: { id: target.methodId } });
    expect(first.hostKeyFingerprint).toBe(sshd.servers[1].hostKeyFingerprint);

    const replaced = await sshd.replaceHostKey(1);
    const mismatch = await test(target.id);
    expect(mismatch).toMatchObject({ ok: false, errorCategory: "HOST_KEY_MISMATCH" });
    expect(mismatch.message).toContain(replaced.hostKeyFingerprint);
    expect(await test(target.id)).toMatchObject({ ok: false, errorCategory: "HOST_KEY_MISMATCH" });
    const events = await outboxEvents(h.db, { type: "targets.hostkey.mismatched", subjectId: target.id });
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0].data).toMatchObject({ expectedFingerprint: first.hostKeyFingerprint, presentedFingerprint: replaced.hostKeyFingerprint });

    const accepted = await call<{ acceptTargetHostKey: { hostKeyFingerprint: string; pendingHostKeyFingerprint: string | null } }>(
      "mutation($m: ID!) { acceptTargetHostKey(methodId: $m) { hostKeyFingerprint pendingHostKeyFingerprint } }",
      { m: target.methodId },
    );
    expect(accepted.acceptTargetHostKey).toEqual({ hostKeyFingerprint: replaced.hostKeyFingerprint, pendingHostKeyFingerprint: null });
    expect(await test(target.id)).toMatchObject({ ok: true });
  });

  it("runs a bulk test with bounded concurrency and reports progress and per-target results", async () => {
    const good = await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const bad = await credential({ type: "PASSWORD", username: sshd.user, password: `wrong-${suffix()}` });
    const ids: string[] = [];
    const expected = new Map<string, boolean>();
    for (let i = 0; i < 30; i++) {
      const ok = i % 5 !== 0;
      const target = await sshTarget(sshd.ports[i % 2], ok ? good : bad);
      ids.push(target.id);
      expected.set(target.id, ok);
    }
    const started = await call<{ testTargetConnections: { id: string; total: number } }>(
      "mutation($ids: [ID!]) { testTargetConnections(ids: $ids) { id total done } }",
      { ids },
    );
    expect(started.testTargetConnections.total).toBe(30);
    const progress: number[] = [];
    let batch: { total: number; done: number; ok: number; failed: number; results: Array<{ targetId: string; ok: boolean; errorCategory: string | null }> };
    for (;;) {
      batch = (
        await call<{ connectionTestBatch: typeof batch }>(
          "query($id: ID!) { connectionTestBatch(id: $id) { total done ok failed results { targetId ok errorCategory } } }",
          { id: started.testTargetConnections.id },
        )
      ).connectionTestBatch;
      progress.push(batch.done);
      if (batch.done === batch.total) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(batch).toMatchObject({ total: 30, done: 30, ok: 24, failed: 6 });
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(batch.results).toHaveLength(30);
    const outcomes = Object.fromEntries(batch.results.map((result) => [result.targetId, result.ok || result.errorCategory]));
    expect(outcomes).toEqual(Object.fromEntries([...expected].map(([id, ok]) => [id, ok || "AUTH_FAILED"])));
  }, 60_000);
});
