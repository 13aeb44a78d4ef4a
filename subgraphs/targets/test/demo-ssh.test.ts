import { freePort } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEMO_SSH, seedDemoSsh } from "../src/seed";
import { startTargets, type Harness } from "./harness";

/**
 * The demo SSH host of `npm start -- --demo-ssh`: the launcher's helper starts a real sshd on
 * 127.0.0.1 (as the user running the tests), the targets seed adds its credential and target, and a
 * connection test through the subgraph's API logs in with the generated key.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const demo = require("../../../scripts/lib/demo-ssh.cjs") as {
  startDemoSsh(options: { dir: string; port: number; sshdBin?: string }): Promise<{ port: number; user: string; privateKey: string; privateKeyFile: string; hostKeyFingerprint: string; stop(): Promise<void> }>;
  demoSshUnavailable(sshdBin?: string): string | null;
  demoSshRequested(argv: string[], env: Record<string, string | undefined>): boolean;
};

let h: Harness;
let dir: string;
let token: string;

interface Check {
  ok: boolean;
  errorCategory: string | null;
  message: string | null;
  serverVersion: string | null;
}

async function call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await h.graphql<T>(query, variables, { token });
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

const services = () => ({ prisma: h.db, credentials: h.subgraph.services.credentials, targets: h.subgraph.services.targets, methods: h.subgraph.services.methods });

async function demoTarget() {
  const rows = await h.db.target.findMany({ where: { nameKey: DEMO_SSH.target, deletedAt: null }, include: { methods: true } });
  expect(rows).toHaveLength(1);
  return rows[0];
}

const testConnection = async (id: string) =>
  (await call<{ testTargetConnection: Check }>("mutation($id: ID!) { testTargetConnection(id: $id) { ok errorCategory message serverVersion } }", { id })).testTargetConnection;

beforeAll(async () => {
  h = await startTargets({ CONNECTION_TEST_TIMEOUT_MS: "5000" });
  token = h.signer.sign({ id: randomUUID(), permissions: ["targets:read", "targets:write", "credentials:read"] });
  dir = mkdtempSync(path.join(os.tmpdir(), "opsc-demo-ssh-test-"));
}, 60_000);

afterAll(async () => {
  await h?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the demo SSH host", () => {
  it("is asked for with --demo-ssh or OPSC_DEMO_SSH=1, and says how to get sshd when it is missing", () => {
    expect(demo.demoSshRequested(["node", "start.mjs", "--demo-ssh"], {})).toBe(true);
    expect(demo.demoSshRequested(["node", "start.mjs"], { OPSC_DEMO_SSH: "1" })).toBe(true);
    expect(demo.demoSshRequested(["node", "start.mjs"], {})).toBe(false);
    expect(demo.demoSshUnavailable("/nonexistent/sshd")).toMatch(/\/nonexistent\/sshd is missing.*apt-get install openssh-server/);
  });

  it("runs sshd on 127.0.0.1, is seeded as a credential and a target, and its connection test logs in with the key", async () => {
    const home = path.join(dir, "demo-ssh");
    const sshd = await demo.startDemoSsh({ dir: home, port: await freePort() });
    try {
      expect(statSync(home).mode & 0o777).toBe(0o700);
      expect(statSync(sshd.privateKeyFile).mode & 0o077).toBe(0);
      expect(await seedDemoSsh(services(), sshd)).toMatch(new RegExp(`demo SSH host ${DEMO_SSH.target} on 127.0.0.1:${sshd.port}`));
      const target = await demoTarget();
      expect(target).toMatchObject({ address: "127.0.0.1", port: sshd.port });
      const check = await testConnection(target.id);
      expect(check).toMatchObject({ ok: true, errorCategory: null });
      expect(check.serverVersion).toMatch(/^OpenSSH_/);
      // Trusted on first use: the demo host's own key.
      expect((await h.db.connectionMethod.findFirstOrThrow({ where: { targetId: target.id } })).hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);

      // A second start with the same keys changes nothing.
      const credentialsBefore = await h.db.credential.count({ where: { nameKey: DEMO_SSH.credential } });
      expect(await seedDemoSsh(services(), sshd)).toMatch(/is current/);
      expect(await h.db.credential.count({ where: { nameKey: DEMO_SSH.credential } })).toBe(credentialsBefore);

      // Passwords are off: only the generated key logs in.
      const password = await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
        input: { name: `demo-pw-${randomUUID().slice(0, 8)}`, type: "PASSWORD", username: sshd.user, password: "any-password" },
      });
      const method = (await demoTarget()).methods[0];
      await call("mutation($id: ID!, $input: UpdateConnectionMethodInput!) { updateConnectionMethod(id: $id, input: $input) { id } }", {
        id: method.id,
        input: { credentialId: password.createCredential.id },
      });
      expect(await testConnection(target.id)).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
    } finally {
      await sshd.stop();
    }

    // The next start (same keys, another port): the seed moves the target and puts the key credential back.
    const again = await demo.startDemoSsh({ dir: home, port: await freePort() });
    try {
      expect(await seedDemoSsh(services(), again)).toMatch(/updated$/);
      const target = await demoTarget();
      expect(target.port).toBe(again.port);
      expect(target.methods[0].port).toBe(again.port);
      expect(await testConnection(target.id)).toMatchObject({ ok: true, errorCategory: null });
    } finally {
      await again.stop();
    }
  });
});
