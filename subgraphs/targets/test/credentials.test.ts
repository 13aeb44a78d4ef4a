import { callInternal, contractPath, createLogger, SERVICE_TOKEN_HEADER, targetConnectionBundleContract, targetConnectionBundlesContract } from "@opsconductor/kit";
import { errorCodes, outboxEvents, startSshd, type SshdFixture, withFreshPort } from "@opsconductor/kit/testing";
import { randomBytes, randomUUID } from "node:crypto";
import { envSchema } from "../src/env";
import { DecryptionError } from "../src/credential/keyring";
import { startTargets, suffix, type Harness } from "./harness";

/** Credentials: write-only secrets, AES-256-GCM bound to credential + field, rotation, fail-closed start. */

let h: Harness;
let sshd: SshdFixture;
let operator: string;
const logs: string[] = [];
const FIELDS = "id name type username hasSecret secretFields keyAlgorithm publicKeyFingerprint securityLevel lastUsedAt";

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<{ data: T; raw: string; errors?: unknown[] }> {
  const result = await h.graphql<T>(query, variables, { token: operator });
  return { data: result.data as T, raw: JSON.stringify(result), errors: result.errors };
}

const CREATE = `mutation($input: CreateCredentialInput!) { createCredential(input: $input) { ${FIELDS} } }`;

async function createCredential(input: Record<string, unknown>) {
  const result = await call<{ createCredential: { id: string } & Record<string, unknown> }>(CREATE, { input: { name: `cred-${suffix()}`, ...input } });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result;
}

/** A target on 127.0.0.1 whose own port is free (it only has to be unique among active targets). */
const freshTarget = () =>
  withFreshPort(async (port) => {
    const created = await call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: `t-${suffix()}`, address: "127.0.0.1", port },
    });
    if (created.errors) throw new Error(JSON.stringify(created.errors));
    return created;
  });

async function sshTargetWith(credentialId: string) {
  const target = await freshTarget();
  const id = target.data.createTarget.id;
  const method = await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: id,
    input: { type: "SSH", port: sshd.ports[0], credentialId },
  });
  if (method.errors) throw new Error(JSON.stringify(method.errors));
  return id;
}

const testConnection = async (id: string) =>
  (await call<{ testTargetConnection: { ok: boolean; errorCategory: string | null } }>("mutation($id: ID!) { testTargetConnection(id: $id) { ok errorCategory } }", { id }))
    .data.testTargetConnection;

async function bundle(targetId: string, token = h.subgraph.env.SERVICE_TOKEN) {
  const response = await fetch(`${h.url.replace(/\/graphql$/, "")}${contractPath(targetConnectionBundleContract, { id: targetId })}`, {
    headers: { [SERVICE_TOKEN_HEADER]: token },
  });
  return { status: response.status, text: await response.text() };
}

/** Every row of every table of the service's database that contains the marker, as "table" names. */
async function tablesContaining(marker: string): Promise<string[]> {
  const tables = await h.db.$queryRawUnsafe<Array<{ name: string }>>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'");
  const found: string[] = [];
  for (const { name } of tables) {
    const rows = await h.db.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${name}" t WHERE strpos(t::text, $1) > 0`, marker);
    if (rows[0].n) found.push(name);
  }
  return found;
}

beforeAll(async () => {
  // Every log line the service writes, at debug level, is kept to be searched for secrets.
  const logger = createLogger("targets", "debug", (line) => logs.push(line));
  [h, sshd] = await Promise.all([startTargets({}, { logger }), startSshd()]);
  operator = h.signer.sign({ id: randomUUID(), username: "op", permissions: ["targets:read", "targets:write", "credentials:read"] });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await sshd?.stop();
});

describe("write-only secrets", () => {
  it("stores every type and never returns, logs or emits a secret", async () => {
    const marker = `MARK${randomBytes(8).toString("hex")}`;
    const inputs = [
      { type: "PASSWORD", username: "root", password: `${marker}-pw` },
      { type: "SSH_KEY", username: "root", privateKey: sshd.keys.ed25519Encrypted.privateKey, passphrase: sshd.keys.ed25519Encrypted.passphrase },
      { type: "SNMP_COMMUNITY", community: `${marker}-community` },
      { type: "SNMP_V3", username: "snmpuser", authPassword: `${marker}-auth`, privPassword: `${marker}-priv` },
      { type: "API_TOKEN", token: `${marker}-token` },
    ];
    const responses: string[] = [];
    for (const input of inputs) {
      const created = await createCredential(input);
      responses.push(created.raw);
      expect(created.data.createCredential).toMatchObject({ type: input.type, hasSecret: true });
    }
    const list = await call(`query { credentials(pagination: { limit: 100 }) { total items { ${FIELDS} } } }`);
    responses.push(list.raw);
    for (const response of responses) expect(response).not.toContain(marker);
    expect(responses[1]).toContain(sshd.keys.ed25519Encrypted.fingerprint);
    expect(responses[1]).not.toContain(sshd.keys.ed25519Encrypted.passphrase!);
    expect(await tablesContaining(marker)).toEqual([]);
    expect(await outboxEvents(h.db, { contains: marker })).toEqual([]);
    expect(logs.join("\n")).not.toContain(marker);
  });

  it("refuses unreadable keys, a wrong passphrase and fields the type does not use, naming the field", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: "SSH_KEY", username: "u", privateKey: "not a key" }, "input.privateKey"],
      [{ type: "SSH_KEY", username: "u", privateKey: sshd.keys.ed25519Encrypted.privateKey }, "input.passphrase"],
      [{ type: "SSH_KEY", username: "u", privateKey: sshd.keys.ed25519Encrypted.privateKey, passphrase: "wrong" }, "input.passphrase"],
      [{ type: "PASSWORD", username: "u", password: "x", community: "public" }, "input.community"],
      [{ type: "PASSWORD", password: "x" }, "input.username"],
      [{ type: "SNMP_V3", username: "u", securityLevel: "authPriv", authPassword: "12345678" }, "input.privPassword"],
    ];
    for (const [input, field] of cases) {
      const result = await h.graphql(CREATE, { input: { name: `bad-${suffix()}`, ...input } }, { token: operator });
      expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(result.errors?.[0].extensions?.field).toBe(field);
    }
  });

  it("lets an SSH method use only a PASSWORD or SSH_KEY credential", async () => {
    const snmp = await createCredential({ type: "SNMP_COMMUNITY", community: "public" });
    const target = await freshTarget();
    const result = await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
      t: target.data.createTarget.id,
      input: { type: "SSH", credentialId: snmp.data.createCredential.id },
    });
    expect((result.errors as Array<{ extensions: { code: string; field: string } }>)[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.credentialId" });
  });
});

describe("tamper evidence", () => {
  it("fails clearly, never with garbage, when one byte of a ciphertext is flipped", async () => {
    const cred = await createCredential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const id = cred.data.createCredential.id;
    const targetId = await sshTargetWith(id);
    expect(await testConnection(targetId)).toMatchObject({ ok: true });

    const stored = await h.db.credentialSecret.findUniqueOrThrow({ where: { credentialId_field: { credentialId: id, field: "password" } } });
    const parts = stored.ciphertext.split(".");
    const body = Buffer.from(parts[3], "base64url");
    body[0] ^= 0x01;
    const flipped = [...parts.slice(0, 3), body.toString("base64url")].join(".");
    await h.db.credentialSecret.update({ where: { credentialId_field: { credentialId: id, field: "password" } }, data: { ciphertext: flipped } });
    try {
      await expect(h.subgraph.services.credentials.open(id)).rejects.toThrow(DecryptionError);
      expect(await testConnection(targetId)).toEqual({ ok: false, errorCategory: "DECRYPTION_FAILED" });
      const reply = await bundle(targetId);
      expect(reply.status).toBe(409);
      expect(reply.text).toMatch(/failed to decrypt/);
      expect(reply.text).not.toContain(sshd.password);
    } finally {
      await h.db.credentialSecret.update({ where: { credentialId_field: { credentialId: id, field: "password" } }, data: { ciphertext: stored.ciphertext } });
    }
    expect(await testConnection(targetId)).toMatchObject({ ok: true });
  });

  it("fails both credentials when their ciphertexts are swapped", async () => {
    const a = (await createCredential({ type: "PASSWORD", username: "a", password: `a-${suffix()}` })).data.createCredential.id;
    const b = (await createCredential({ type: "PASSWORD", username: "b", password: `b-${suffix()}` })).data.createCredential.id;
    const where = (credentialId: string) => ({ credentialId_field: { credentialId, field: "password" } });
    const [sa, sb] = await Promise.all([h.db.credentialSecret.findUniqueOrThrow({ where: where(a) }), h.db.credentialSecret.findUniqueOrThrow({ where: where(b) })]);
    await h.db.credentialSecret.update({ where: where(a), data: { ciphertext: sb.ciphertext, keyVersion: sb.keyVersion } });
    await h.db.credentialSecret.update({ where: where(b), data: { ciphertext: sa.ciphertext, keyVersion: sa.keyVersion } });
    try {
      await expect(h.subgraph.services.credentials.open(a)).rejects.toThrow(/credential .* failed to decrypt/);
      await expect(h.subgraph.services.credentials.open(b)).rejects.toThrow(DecryptionError);
    } finally {
      await h.db.credentialSecret.update({ where: where(a), data: { ciphertext: sa.ciphertext, keyVersion: sa.keyVersion } });
      await h.db.credentialSecret.update({ where: where(b), data: { ciphertext: sb.ciphertext, keyVersion: sb.keyVersion } });
    }
    await expect(h.subgraph.services.credentials.open(a)).resolves.toMatchObject({ username: "a" });
  });
});

describe("connection bundle for executions", () => {
  it("answers only with the service token, returns the decrypted secret, and records the use without it", async () => {
    const cred = await createCredential({ type: "SSH_KEY", username: sshd.user, privateKey: sshd.keys.rsa.privateKey });
    const targetId = await sshTargetWith(cred.data.createCredential.id);
    expect((await bundle(targetId, "x".repeat(40))).status).toBe(401);
    const reply = await bundle(targetId);
    expect(reply.status).toBe(200);
    const body = targetConnectionBundleContract.response.parse(JSON.parse(reply.text));
    expect(body.method).toMatchObject({ type: "SSH", port: sshd.ports[0], username: sshd.user });
    expect(body.credential?.secret.privateKey).toBe(sshd.keys.rsa.privateKey);
    expect(body.target.serialNumber).toMatch(/^TGT-\d{6}$/);
    const used = await outboxEvents(h.db, { type: "targets.credential.used", subjectId: cred.data.createCredential.id });
    expect(used.map((event) => event.data.purpose)).toContain("execution");
    expect(JSON.stringify(used)).not.toContain("PRIVATE KEY");
    const view = await call<{ credential: { lastUsedAt: string | null } }>("query($id: ID!) { credential(id: $id) { lastUsedAt } }", { id: cred.data.createCredential.id });
    expect(view.data.credential.lastUsedAt).not.toBeNull();
    expect((await bundle(randomUUID())).status).toBe(404);
  });

  it("serves many targets in one call: each id asked for is one recorded use, a missing target is a 404 failure and the others are still served", async () => {
    const cred = await createCredential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const credentialId = cred.data.createCredential.id;
    const [a, b] = [await sshTargetWith(credentialId), await sshTargetWith(credentialId)];
    const missing = randomUUID();
    const reply = await callInternal(h.url.replace(/\/graphql$/, ""), targetConnectionBundlesContract, {
      // `a` twice: two attempts on one target are two uses of its secret.
      body: { ids: [a, b, a, missing] },
      serviceToken: h.subgraph.env.SERVICE_TOKEN,
    });
    expect(reply.bundles.map((served) => served.target.id).sort()).toEqual([a, b].sort());
    for (const served of reply.bundles) expect(served.credential?.secret.password).toBe(sshd.password);
    expect(reply.failures).toEqual([{ id: missing, status: 404, message: `target ${missing} not found` }]);
    const used = await outboxEvents(h.db, { type: "targets.credential.used", subjectId: credentialId });
    expect(used.map((event) => event.data.targetId).sort()).toEqual([a, a, b].sort());
    expect(JSON.stringify(used)).not.toContain(sshd.password);
  });
});

describe("key rotation", () => {
  it("re-seals every secret under a new data key version with 0 failures, and they still open", async () => {
    const cred = await createCredential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const id = cred.data.createCredential.id;
    const before = await h.db.credentialSecret.findUniqueOrThrow({ where: { credentialId_field: { credentialId: id, field: "password" } } });
    const report = await h.subgraph.services.credentials.rotateKeys();
    expect(report.failed).toBe(0);
    expect(report.version).toBeGreaterThan(before.keyVersion);
    expect(report.resealed).toBeGreaterThanOrEqual(1);
    const after = await h.db.credentialSecret.findUniqueOrThrow({ where: { credentialId_field: { credentialId: id, field: "password" } } });
    expect(after.keyVersion).toBe(report.version);
    expect(after.ciphertext).not.toBe(before.ciphertext);
    await expect(h.subgraph.services.credentials.open(id)).resolves.toMatchObject({ secrets: { password: sshd.password } });
  });
});

describe("fail closed", () => {
  const base = { PORT: "0", DATABASE_URL: "postgresql://x@127.0.0.1/x", AUTH_URL: "http://127.0.0.1:9", SERVICE_TOKEN: "s".repeat(40) };

  it("refuses to start without a master key, naming the variable", () => {
    const result = envSchema.safeParse(base);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain("TARGETS_MASTER_KEY");
  });

  it("refuses a master key that does not open the database's data keys", async () => {
    await expect(startTargets({ TARGETS_MASTER_KEY: randomBytes(32).toString("hex") })).rejects.toThrow(/does not open data key/);
  });
});
