import { withFreshPort } from "@opsconductor/kit/testing";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import dgram from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTargets, suffix, type Harness } from "./harness";

/** SNMP connection tests against a real net-snmp agent (snmpd) on 127.0.0.1. */

let h: Harness;
let agent: ChildProcess;
let agentPort: number;
let dir: string;
const community = `c${randomUUID().slice(0, 8)}`;
let token: string;

/** A UDP port that was free a moment ago. */
const freeUdpPort = () =>
  new Promise<number>((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });

async function call<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const result = await h.graphql<T>(query, variables, { token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function snmpTarget(port: number, snmpVersion: string, credential: Record<string, unknown>) {
  const cred = await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
    input: { name: `snmp-${suffix()}`, ...credential },
  });
  const target = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: `snmp-${suffix()}`, address: "127.0.0.1", port, osType: "NETWORK" },
    }),
  );
  await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: target.createTarget.id,
    input: { type: "SNMP", port, snmpVersion, credentialId: cred.createCredential.id },
  });
  const tested = await call<{ testTargetConnection: { ok: boolean; errorCategory: string | null; serverVersion: string | null } }>(
    "mutation($id: ID!) { testTargetConnection(id: $id) { ok errorCategory serverVersion } }",
    { id: target.createTarget.id },
  );
  return tested.testTargetConnection;
}

beforeAll(async () => {
  h = await startTargets({ CONNECTION_TEST_TIMEOUT_MS: "1000" });
  token = h.signer.sign({ id: randomUUID(), permissions: ["targets:read", "targets:write"] });
  dir = mkdtempSync(path.join(os.tmpdir(), "opsc-snmpd-"));
  agentPort = await freeUdpPort();
  const config = path.join(dir, "snmpd.conf");
  writeFileSync(config, [`agentAddress udp:127.0.0.1:${agentPort}`, `rocommunity ${community} 127.0.0.1`, "sysDescr OpsConductor test agent", ""].join("\n"));
  agent = spawn("/usr/sbin/snmpd", ["-f", "-Le", "-C", "-c", config], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: dir, MIBS: "" },
    stdio: "ignore",
  });
  // Wait until the agent answers (its own start takes a moment).
  for (let i = 0; i < 50; i++) {
    const check = await snmpTarget(agentPort, "V2C", { type: "SNMP_COMMUNITY", community }).catch(() => null);
    if (check?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("snmpd did not answer");
}, 60_000);

afterAll(async () => {
  agent?.kill("SIGTERM");
  await h?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("SNMP connection tests against snmpd", () => {
  it("reads sysDescr with the community over v2c and v1", async () => {
    for (const version of ["V2C", "V1"]) {
      expect(await snmpTarget(agentPort, version, { type: "SNMP_COMMUNITY", community })).toEqual({ ok: true, errorCategory: null, serverVersion: "OpsConductor test agent" });
    }
  });

  it("gets no answer with a wrong community (TIMEOUT within the limit)", async () => {
    expect(await snmpTarget(agentPort, "V2C", { type: "SNMP_COMMUNITY", community: "not-it" })).toMatchObject({ ok: false, errorCategory: "TIMEOUT" });
  });

  it("reports REFUSED for a UDP port without an agent", async () => {
    expect(await snmpTarget(await freeUdpPort(), "V2C", { type: "SNMP_COMMUNITY", community })).toMatchObject({ ok: false, errorCategory: "REFUSED" });
  });

  it("reaches a v3 agent through engine discovery", async () => {
    const check = await snmpTarget(agentPort, "V3", { type: "SNMP_V3", username: "monitor", authPassword: "auth-pass-1", privPassword: "priv-pass-1" });
    expect(check).toMatchObject({ ok: true, errorCategory: null });
  });
});
