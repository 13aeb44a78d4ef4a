import { eventually, startSshd, type SshdFixture, withFreshPort } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { startTargets, suffix, type Harness } from "./harness";

/** Periodic health checks run as a BullMQ job scheduler and never leave the loopback range unless configured. */

let h: Harness;
let sshd: SshdFixture;
const prefix = `opsc-test-health-${randomUUID()}:`;

beforeAll(async () => {
  sshd = await startSshd();
  h = await startTargets({ HEALTH_CHECK_INTERVAL_SECONDS: "1", REDIS_KEY_PREFIX: prefix });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await sshd?.stop();
  // Only this run's keys: the prefix is unique to it.
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

it("checks loopback targets on a schedule and skips addresses outside 127.0.0.0/8", async () => {
  const token = h.signer.sign({ id: randomUUID(), permissions: ["targets:read", "targets:write", "credentials:read"] });
  const call = async <T>(query: string, variables: Record<string, unknown>) => {
    const result = await h.graphql<T>(query, variables, { token });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data as T;
  };
  const cred = await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
    input: { name: `hc-${suffix()}`, type: "PASSWORD", username: sshd.user, password: sshd.password },
  });
  const local = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: `hc-${suffix()}`, address: "127.0.0.1", port },
    }),
  );
  await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: local.createTarget.id,
    input: { type: "SSH", port: sshd.ports[0], credentialId: cred.createCredential.id },
  });
  // TEST-NET-1 (RFC 5737): never contacted, because periodic checks skip it.
  const remote = await call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
    input: { name: `hc-${suffix()}`, address: `192.0.2.${1 + Math.floor(Math.random() * 250)}`, port: 40000 + Math.floor(Math.random() * 20000) },
  });

  const checked = await eventually(async () => {
    const row = await h.db.target.findUniqueOrThrow({ where: { id: local.createTarget.id } });
    return row.healthStatus === "HEALTHY" ? row : null;
  }, 20_000, 200);
  expect(checked.lastCheckedAt).not.toBeNull();
  const remoteRow = await h.db.target.findUniqueOrThrow({ where: { id: remote.createTarget.id } });
  expect(remoteRow).toMatchObject({ healthStatus: "UNKNOWN", lastCheckedAt: null });
  expect(await h.db.connectionCheck.count({ where: { targetId: remote.createTarget.id } })).toBe(0);
}, 40_000);
