import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import type { RunningOf } from "@opsconductor/kit/subgraph";
import { createTestSigner, startTestSubgraph, subgraphClient, type SubgraphClient } from "@opsconductor/kit/testing";
import notificationsSubgraph from "../src/subgraph";

/**
 * EMAIL channels over a real SMTP server on 127.0.0.1 (smtp-server) with a throwaway certificate:
 * implicit TLS and STARTTLS, authenticated, through `testNotificationChannel`.
 */
describe("notifications: email over TLS and STARTTLS", () => {
  const signer = createTestSigner();
  const password = `pw-${randomUUID()}`;
  let subgraph: RunningOf<typeof notificationsSubgraph>;
  let gql: SubgraphClient;
  let cert: string;
  let key: string;
  const servers: SMTPServer[] = [];
  const received: Array<{ secure: boolean; user: unknown; raw: string }> = [];

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsc-smtp-"));
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    ], { stdio: "ignore" });
    cert = fs.readFileSync(path.join(dir, "cert.pem"), "utf8").trim();
    key = fs.readFileSync(path.join(dir, "key.pem"), "utf8");
    fs.rmSync(dir, { recursive: true, force: true });
    subgraph = await startTestSubgraph(notificationsSubgraph, {
      keys: signer.keys,
      env: { NOTIFICATIONS_SECRETS_KEY: "cd".repeat(32), USERS_URL: "http://127.0.0.1:9", TARGETS_URL: "http://127.0.0.1:9" },
    });
    gql = subgraphClient(subgraph);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))));
    await subgraph.stop();
  });

  async function smtp(secure: boolean): Promise<number> {
    const server = new SMTPServer({
      secure,
      key,
      cert,
      authMethods: ["PLAIN", "LOGIN"],
      onAuth: (auth, _session, done) => (auth.username === "mailer" && auth.password === password ? done(null, { user: "mailer" }) : done(new Error("bad credentials"))),
      onData(stream, session, done) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          received.push({ secure: session.secure, user: session.user, raw: Buffer.concat(chunks).toString("utf8") });
          done();
        });
      },
      logger: false,
    });
    // A client refusing the certificate closes mid-handshake: expected in the last test, not a crash.
    server.on("error", () => undefined);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return (server.server.address() as AddressInfo).port;
  }

  async function channelTest(security: "TLS" | "STARTTLS", port: number, caCertificate: string | null) {
    const token = signer.sign({ id: randomUUID(), username: "ops", permissions: ["notifications:read", "notifications:write"] });
    const name = `mail-${randomUUID()}`;
    const created = await gql<{ createNotificationChannel: { id: string; email: { hasPassword: boolean } } }>(
      "mutation($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { id email { hasPassword } } }",
      { input: { name, type: "EMAIL", email: { host: "127.0.0.1", port, security, username: "mailer", password, from: "ops@example.test", to: ["a@example.test"], caCertificate } } },
      { token },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createNotificationChannel.email.hasPassword).toBe(true);
    const tested = await gql<{ testNotificationChannel: { ok: boolean; error: string | null } }>("mutation($id: ID!) { testNotificationChannel(id: $id) { ok error } }", { id: created.data!.createNotificationChannel.id }, { token });
    return { name, result: tested.data!.testNotificationChannel };
  }

  it("sends over implicit TLS, trusting the channel's CA certificate", async () => {
    const { name, result } = await channelTest("TLS", await smtp(true), cert);
    expect(result).toEqual({ ok: true, error: null });
    const mail = received.find((item) => item.raw.includes(name))!;
    expect(mail).toMatchObject({ secure: true, user: "mailer" });
  });

  it("upgrades with STARTTLS before authenticating", async () => {
    const { name, result } = await channelTest("STARTTLS", await smtp(false), cert);
    expect(result).toEqual({ ok: true, error: null });
    expect(received.find((item) => item.raw.includes(name))).toMatchObject({ secure: true, user: "mailer" });
  });

  it("refuses a server whose certificate it cannot trust, without the password in the error", async () => {
    const { result } = await channelTest("TLS", await smtp(true), null);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^SMTP send failed/);
    expect(result.error).not.toContain(password);
  });
});
