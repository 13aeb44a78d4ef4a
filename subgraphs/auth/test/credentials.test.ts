import { randomUUID } from "node:crypto";
import { ADMIN_USER_ID, EventConsumer, SYSTEM_ACTOR, createEnvelope, createLogger } from "@opsconductor/kit/subgraph";
import { errorCodes, outboxEvents } from "@opsconductor/kit/testing";
import { eventHandlers } from "../src/events";
import { seedAdmin } from "../src/seed";
import { SERVICE_TOKEN, createUser, login, loginOk, postCredential, refresh, refreshOk, startHarness, unique, type Harness } from "./support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

describe("POST /internal/credentials", () => {
  const body = () => ({ userId: randomUUID(), username: unique(), password: "a-good-long-password" });

  it("stores a credential the user can log in with (201)", async () => {
    const input = body();
    const response = await postCredential(h, input);
    expect(response.status).toBe(201);
    expect(response.json).toEqual({ ok: true });
    h.users.profiles.set(input.userId, { id: input.userId, username: input.username, roles: [], permissions: [], isActive: true });
    await loginOk(h, input);
    const stored = await h.auth.prisma.credential.findUniqueOrThrow({ where: { userId: input.userId } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("answers 401 without the service token or with a wrong one, and stores nothing", async () => {
    const input = body();
    expect((await postCredential(h, input, null)).status).toBe(401);
    expect((await postCredential(h, input, "wrong-service-token-wrong-service-token")).status).toBe(401);
    expect(await h.auth.prisma.credential.count({ where: { userId: input.userId } })).toBe(0);
  });

  it("answers 400 on field password for a password that breaks the policy", async () => {
    const response = await postCredential(h, { ...body(), password: "short" });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: { field: "password", message: "password must be at least 10 characters" } });
  });

  it("answers 400 on field password for a common password or one containing the username, and on field username for a NUL byte", async () => {
    const input = body();
    for (const password of ["password1234", "iloveyou!!!!", "Football-2025", `my-${input.username}-pw`]) {
      const response = await postCredential(h, { ...input, password });
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ error: { field: "password", message: expect.stringMatching(/^password (is too common|must not contain the username)/) } });
    }
    const nul = await postCredential(h, { ...input, username: "ada\u0000lovelace" });
    expect(nul.status).toBe(400);
    expect(nul.json).toMatchObject({ error: { field: "username" } });
    expect(await h.auth.prisma.credential.count({ where: { userId: input.userId } })).toBe(0);
  });

  it("answers 409 on field username when the user id or the username already has a credential", async () => {
    const input = body();
    expect((await postCredential(h, input)).status).toBe(201);
    const sameUsername = await postCredential(h, { ...body(), username: input.username });
    expect(sameUsername.status).toBe(409);
    expect(sameUsername.json).toMatchObject({ error: { field: "username" } });
    const sameId = await postCredential(h, { ...body(), userId: input.userId });
    expect(sameId.status).toBe(409);
  });

  it("answers 400 for malformed bodies, naming the field", async () => {
    expect((await postCredential(h, undefined, undefined, "{not json")).status).toBe(400);
    expect((await postCredential(h, [1, 2])).json).toMatchObject({ error: { field: "body" } });
    expect((await postCredential(h, { ...body(), userId: "not-a-uuid" })).json).toEqual({ error: { field: "userId", message: "userId must be a UUID" } });
    const missing = await postCredential(h, { userId: randomUUID(), username: unique() });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ error: { field: "password", message: "password is required" } });
  });
});

describe("DELETE /internal/credentials/:userId", () => {
  const remove = (userId: string, token: string | null = SERVICE_TOKEN) =>
    fetch(`${h.base}/internal/credentials/${userId}`, { method: "DELETE", headers: token === null ? {} : { "x-service-token": token } });

  it("takes a credential back with its sessions, so the username is free again; idempotent", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    expect((await remove(user.id)).status).toBe(204);
    expect(await h.auth.prisma.credential.count({ where: { userId: user.id } })).toBe(0);
    expect(errorCodes(await refresh(h, tokens.refreshToken))).toEqual(["UNAUTHENTICATED"]);
    expect((await remove(user.id)).status).toBe(204);
    expect((await postCredential(h, { userId: randomUUID(), username: user.username, password: "a-good-long-password" })).status).toBe(201);
  });

  it("answers 401 without the service token and 400 for an id that is not a UUID, deleting nothing", async () => {
    const user = await createUser(h);
    expect((await remove(user.id, null)).status).toBe(401);
    expect((await remove(user.id, "wrong-service-token-wrong-service-token")).status).toBe(401);
    const bad = await remove("not-a-uuid");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { field: "userId", message: "userId must be a UUID" } });
    expect(await h.auth.prisma.credential.count({ where: { userId: user.id } })).toBe(1);
  });
});

describe("secrets", () => {
  it("never returns a password, a password hash or a stored token hash in any response, and keeps them out of events", async () => {
    const user = await createUser(h);
    const texts: string[] = [];
    const record = async (response: Promise<unknown>) => {
      texts.push(JSON.stringify(await response));
    };
    await record(postCredential(h, { userId: randomUUID(), username: unique(), password: user.password }));
    await record(postCredential(h, { userId: user.id, username: user.username, password: user.password }));
    await record(login(h, user.username, user.password));
    await record(login(h, user.username, `${user.password}-wrong`));
    const tokens = await loginOk(h, user);
    await record(refresh(h, tokens.refreshToken));
    const newPassword = "another-strong-password";
    await record(
      h.graphql("mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }", { c: user.password, n: newPassword }, { token: tokens.accessToken }),
    );
    await record(fetch(`${h.base}/.well-known/jwks.json`).then((response) => response.text()));

    const credential = await h.auth.prisma.credential.findUniqueOrThrow({ where: { userId: user.id } });
    const storedTokenHashes = (await h.auth.prisma.refreshToken.findMany({ where: { family: { userId: user.id } } })).map((row) => row.tokenHash);
    const signingKeys = await h.auth.prisma.signingKey.findMany();
    const all = texts.join("\n");
    for (const secret of [user.password, newPassword, credential.passwordHash, "$argon2", ...storedTokenHashes, ...signingKeys.map((key) => key.privateKeyEncrypted)]) {
      expect(all).not.toContain(secret);
    }

    const events = JSON.stringify(
      await outboxEvents(h.auth.prisma, { subjectId: user.id }),
    );
    expect(events).toContain(user.id);
    for (const secret of [user.password, newPassword, credential.passwordHash, tokens.refreshToken, tokens.accessToken]) {
      expect(events).not.toContain(secret);
    }
  });

  it("stores the signing key's private part encrypted, never as PEM", async () => {
    const keys = await h.auth.prisma.signingKey.findMany();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.privateKeyEncrypted).toMatch(/^v1\./);
      expect(key.privateKeyEncrypted).not.toContain("PRIVATE KEY");
      expect(key.publicJwk).not.toHaveProperty("d");
    }
  });
});

describe("consumed events", () => {
  const consumer = () =>
    new EventConsumer({
      db: h.auth.prisma,
      amqp: h.auth.amqp,
      exchange: "unused-in-this-test",
      queue: "unused-in-this-test",
      handlers: eventHandlers(h.auth.services.revocations),
      logger: createLogger("auth-test", "silent"),
    });
  const snapshot = (user: { id: string; username: string }, isActive: boolean) => ({
    id: user.id,
    username: user.username,
    email: `${user.username}@example.test`,
    displayName: user.username,
    roles: ["operator"],
    isActive,
  });

  it("users.user.deactivated revokes every session of the user, once", async () => {
    const user = await createUser(h);
    const a = await loginOk(h, user);
    const b = await loginOk(h, user);
    const event = createEnvelope("users.user.deactivated", { actor: SYSTEM_ACTOR, subject: { type: "User", id: user.id }, data: snapshot(user, false) });
    expect(await consumer().process(event)).toBe(true);
    expect(await consumer().process(event)).toBe(false);
    expect(errorCodes(await refresh(h, a.refreshToken))).toEqual(["UNAUTHENTICATED"]);
    expect(errorCodes(await refresh(h, b.refreshToken))).toEqual(["UNAUTHENTICATED"]);
    // Access tokens issued before the deactivation are refused at the gateway.
    expect(await h.auth.services.revocations.notBefore(user.id)).toBe(Date.parse(event.occurredAt) / 1000);
  });

  it("users.user.deleted deletes the credential and its sessions", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    const event = createEnvelope("users.user.deleted", { actor: SYSTEM_ACTOR, subject: { type: "User", id: user.id }, data: { id: user.id, username: user.username } });
    expect(await consumer().process(event)).toBe(true);
    expect(await h.auth.prisma.credential.count({ where: { userId: user.id } })).toBe(0);
    expect(await h.auth.prisma.refreshFamily.count({ where: { userId: user.id } })).toBe(0);
    expect(errorCodes(await refresh(h, tokens.refreshToken))).toEqual(["UNAUTHENTICATED"]);
    expect(errorCodes(await login(h, user.username, user.password))).toEqual(["UNAUTHENTICATED"]);
    expect(await h.auth.services.revocations.notBefore(user.id)).toBe(Date.parse(event.occurredAt) / 1000);
  });
});

describe("seed", () => {
  it("creates the admin credential once and leaves an existing one untouched", async () => {
    await h.auth.prisma.credential.deleteMany({ where: { userId: ADMIN_USER_ID } });
    const created = await seedAdmin(h.auth.prisma);
    expect(created.created).toBe(true);
    const password = created.created ? created.generatedPassword : undefined;
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    const stored = await h.auth.prisma.credential.findUniqueOrThrow({ where: { userId: ADMIN_USER_ID } });
    expect(stored.username).toBe("admin");

    expect(await seedAdmin(h.auth.prisma, "some-other-password")).toEqual({ created: false });
    const after = await h.auth.prisma.credential.findUniqueOrThrow({ where: { userId: ADMIN_USER_ID } });
    expect(after.passwordHash).toBe(stored.passwordHash);

    h.users.profiles.set(ADMIN_USER_ID, { id: ADMIN_USER_ID, username: "admin", roles: ["admin"], permissions: [], isActive: true });
    await loginOk(h, { username: "admin", password: password! });
  });

  it("uses the given admin password when one is set", async () => {
    await h.auth.prisma.credential.deleteMany({ where: { userId: ADMIN_USER_ID } });
    expect(await seedAdmin(h.auth.prisma, "an-operator-chosen-password")).toEqual({ created: true, generatedPassword: undefined });
    h.users.profiles.set(ADMIN_USER_ID, { id: ADMIN_USER_ID, username: "admin", roles: ["admin"], permissions: [], isActive: true });
    const tokens = await loginOk(h, { username: "admin", password: "an-operator-chosen-password" });
    await refreshOk(h, tokens.refreshToken);
  });
});
