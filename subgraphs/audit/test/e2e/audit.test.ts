import { e2eStack, errorCodes, eventually, graphql, login } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Client } from "pg";

/** The audit trail through the gateway, with the real services, relay and broker of the e2e stack. */
const { gatewayUrl, adminPassword } = e2eStack();
const stackState = JSON.parse(readFileSync(process.env.E2E_STACK_FILE!, "utf8")) as { envs: Record<string, Record<string, string>> };

interface Row {
  id: string;
  seq: string;
  action: string;
  outcome: string;
  severity: string;
  actor: { userId: string | null; username: string | null; ip: string | null; userAgent: string | null };
  details: Record<string, unknown>;
}
const FIELDS = "id seq action outcome severity actor { userId username ip userAgent } details";

let admin: string;
beforeAll(async () => {
  admin = (await login(gatewayUrl, "admin", adminPassword)).accessToken;
});

const find = (filter: Record<string, unknown>, timeoutMs = 30_000) =>
  eventually(async () => {
    const result = await graphql<{ auditEvents: { items: Row[] } }>(
      gatewayUrl,
      `query($filter: AuditEventFilter) { auditEvents(filter: $filter, pagination: { limit: 50 }) { items { ${FIELDS} } } }`,
      { filter },
      { token: admin },
    );
    const items = result.data?.auditEvents.items ?? [];
    return items.length ? items : undefined;
  }, timeoutMs, 200);

describe("audit trail through the gateway", () => {
  it("records a failed login with outcome FAILURE, the client's IP as the gateway saw it (not a forged X-Forwarded-For), no password", async () => {
    const username = `nobody-${randomUUID().slice(0, 8)}`;
    const password = `wrong-${randomUUID()}`;
    const result = await graphql(gatewayUrl, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`, { u: username, p: password }, {
      headers: { "x-forwarded-for": "198.51.100.66", "user-agent": "audit-e2e" },
    });
    expect(result.errors?.length).toBeGreaterThan(0);
    const [row] = await find({ actionPrefix: "auth.login.failed", actor: username });
    expect(row).toMatchObject({ action: "auth.login.failed", outcome: "FAILURE", severity: "WARNING", actor: { username, ip: "127.0.0.1", userAgent: "audit-e2e" } });
    expect(JSON.stringify(row)).not.toContain(password);
  });

  it("records a FORBIDDEN mutation as <service>.permission.denied with outcome FAILURE, the field and the missing permission", async () => {
    // A viewer may read targets but not create them.
    const username = `viewer-${randomUUID().slice(0, 8)}`.toLowerCase();
    const password = "a-long-enough-password";
    const created = await graphql<{ createUser: { id: string } }>(
      gatewayUrl,
      `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
      { input: { username, email: `${username}@example.test`, displayName: username, roles: ["VIEWER"], password } },
      { token: admin },
    );
    expect(created.errors).toBeUndefined();
    const viewer = (await login(gatewayUrl, username, password)).accessToken;
    const denied = await graphql(gatewayUrl, `mutation { createTarget(input: { name: "nope", address: "nope.example.test" }) { id } }`, {}, { token: viewer });
    expect(errorCodes(denied)).toEqual(["FORBIDDEN"]);
    const [row] = await find({ actionPrefix: "targets.permission.denied", actor: username });
    expect(row).toMatchObject({
      outcome: "FAILURE",
      actor: { userId: created.data!.createUser.id, username, ip: "127.0.0.1" },
      details: { field: "createTarget", operationType: "mutation", requiredPermissions: ["targets:write"] },
    });
  });

  it("never puts a credential's secret into audit details", async () => {
    const marker = `s3cret-marker-${randomUUID()}`;
    const name = `cred-${randomUUID().slice(0, 8)}`;
    const created = await graphql<{ createCredential: { id: string } }>(
      gatewayUrl,
      `mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }`,
      { input: { name, type: "PASSWORD", username: "svc", password: marker } },
      { token: admin },
    );
    expect(created.errors).toBeUndefined();
    const rows = await find({ actionPrefix: "targets.credential.created", resourceId: created.data!.createCredential.id });
    expect(rows).toHaveLength(1);
    const exported = await graphql<{ exportAuditEvents: { content: string } }>(gatewayUrl, `query { exportAuditEvents(format: JSON, filter: { actionPrefix: "targets." }) { content } }`, {}, { token: admin });
    expect(exported.data!.exportAuditEvents.content).toContain(created.data!.createCredential.id);
    expect(exported.data!.exportAuditEvents.content).not.toContain(marker);
  });

  it("a superuser's edit of an audit row in PostgreSQL is found by verifyAuditChain at that row; the service's role cannot UPDATE or DELETE", async () => {
    const [row] = await find({ actionPrefix: "auth.login." });
    const url = new URL(stackState.envs.audit!.DATABASE_URL!);
    url.searchParams.delete("options");
    const superuser = new Client({ connectionString: url.toString() });
    await superuser.connect();
    const appUrl = new URL(url);
    appUrl.searchParams.set("options", "-c role=opsc_audit_app");
    const app = new Client({ connectionString: appUrl.toString() });
    await app.connect();
    try {
      await expect(app.query("UPDATE audit_events SET outcome = 'SUCCESS' WHERE seq = $1", [row!.seq])).rejects.toThrow(/permission denied/);
      await expect(app.query("DELETE FROM audit_events WHERE seq = $1", [row!.seq])).rejects.toThrow(/permission denied/);
      const verify = () =>
        graphql<{ verifyAuditChain: { ok: boolean; brokenSeq: string | null; reason: string | null } }>(
          gatewayUrl,
          `query($from: String, $to: String) { verifyAuditChain(from: $from, to: $to) { ok brokenSeq reason } }`,
          { from: row!.seq, to: row!.seq },
          { token: admin },
        );
      expect((await verify()).data!.verifyAuditChain).toMatchObject({ ok: true });
      const tamper = async (outcome: string) => {
        await superuser.query("BEGIN");
        await superuser.query("SET LOCAL session_replication_role = replica");
        await superuser.query("UPDATE audit_events SET outcome = $2 WHERE seq = $1", [row!.seq, outcome]);
        await superuser.query("COMMIT");
      };
      await tamper(row!.outcome === "SUCCESS" ? "FAILURE" : "SUCCESS");
      try {
        expect((await verify()).data!.verifyAuditChain).toEqual({ ok: false, brokenSeq: row!.seq, reason: "CONTENT_HASH_MISMATCH" });
      } finally {
        await tamper(row!.outcome);
      }
      expect((await verify()).data!.verifyAuditChain).toMatchObject({ ok: true });
    } finally {
      await app.end();
      await superuser.end();
    }
  });
});
