import { createEnvelope, type Actor, type EventEnvelope } from "@opsconductor/kit";
import { EventConsumer, createLogger, type AmqpConnection, type RunningOf } from "@opsconductor/kit/subgraph";
import { createTestSigner, errorCodes, startTestSubgraph, subgraphClient, testDatabaseUrl, type SubgraphClient } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import auditSubgraph from "../src/subgraph";
import { auditHandlers } from "../src/events/record";

/** The audit subgraph in process against its migrated test database, events fed to its consumer directly. */
const signer = createTestSigner();
let subgraph: RunningOf<typeof auditSubgraph>;
let consumer: EventConsumer;
let gql: SubgraphClient;
let superuser: Client;
const reader = () => signer.sign({ id: randomUUID(), username: "auditor", permissions: ["audit:read"] });
const admin = () => signer.sign({ id: randomUUID(), username: "root", permissions: ["audit:read", "system:write"] });

beforeAll(async () => {
  subgraph = await startTestSubgraph(auditSubgraph, { keys: signer.keys });
  consumer = new EventConsumer({
    db: subgraph.prisma,
    amqp: {} as AmqpConnection,
    exchange: "unused",
    queue: "unused",
    handlers: auditHandlers(subgraph.services.audit),
    logger: createLogger("audit-test", "silent"),
  });
  gql = subgraphClient(subgraph);
  // The migration owner (superuser), as an attacker with database access would be.
  superuser = new Client({ connectionString: testDatabaseUrl("audit") });
  await superuser.connect();
});
afterAll(async () => {
  await superuser?.end();
  await subgraph?.stop();
});

const actor = (username: string): Actor => ({ userId: randomUUID(), username, ip: "203.0.113.7", userAgent: "jest" });
const loginFailed = (username: string, occurredAt?: Date): EventEnvelope => {
  const event = createEnvelope("auth.login.failed", { actor: actor(username), subject: { type: "credential", id: username }, data: { username, reason: "invalid_credentials" } });
  return occurredAt ? { ...event, occurredAt: occurredAt.toISOString() } : event;
};
const credentialCreated = (name: string): EventEnvelope =>
  createEnvelope("targets.credential.created", {
    actor: actor("operator"),
    subject: { type: "Credential", id: randomUUID() },
    data: { id: randomUUID(), name, type: "PASSWORD", username: "svc", secretFields: ["password"], publicKeyFingerprint: null },
  });

const rowsOf = async (ids: string[]) =>
  (await superuser.query<{ seq: string; id: string }>("SELECT seq::text AS seq, id::text AS id FROM audit_events WHERE id = ANY($1::uuid[]) ORDER BY audit_events.seq", [ids])).rows;
const verify = async (from: string, to: string) =>
  (await gql<{ verifyAuditChain: { ok: boolean; brokenSeq: string | null; reason: string | null; checked: number } }>(
    `query($from: String, $to: String) { verifyAuditChain(from: $from, to: $to) { ok checked brokenSeq reason } }`,
    { from, to },
    { token: reader() },
  )).data!.verifyAuditChain;

describe("retention", () => {
  it("purges rows older than the retention as a prefix of the chain, records a checkpoint, and the rest still verifies", async () => {
    const old = [loginFailed("ancient-1", new Date(Date.now() - 400 * 86_400_000)), loginFailed("ancient-2", new Date(Date.now() - 400 * 86_400_000))];
    const recent = loginFailed("recent");
    // First in this file, so on the fresh test database `npm test` makes these are the chain's first rows.
    for (const event of [...old, recent]) await consumer.process(event);
    const purged = await gql<{ purgeAuditEvents: number }>(`mutation { purgeAuditEvents }`, {}, { token: admin() });
    expect(purged.errors).toBeUndefined();
    expect(purged.data!.purgeAuditEvents).toBeGreaterThanOrEqual(2);
    expect(await rowsOf(old.map((event) => event.id))).toEqual([]);
    expect(await rowsOf([recent.id])).toHaveLength(1);
    const whole = await gql<{ verifyAuditChain: { ok: boolean } }>(`query { verifyAuditChain { ok checked } }`, {}, { token: reader() });
    expect(whole.data!.verifyAuditChain.ok).toBe(true);
    const { rows } = await superuser.query<{ n: string }>("SELECT count(*)::text AS n FROM audit_checkpoints");
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(1);
    expect(errorCodes(await gql(`mutation { purgeAuditEvents }`, {}, { token: reader() }))).toEqual(["FORBIDDEN"]);
  });
});

describe("recording", () => {
  it("stores actor, action, resource, outcome, severity and redacted details once per event id", async () => {
    const event = loginFailed(`mallory-${randomUUID().slice(0, 6)}`);
    await expect(consumer.process(event)).resolves.toBe(true);
    await expect(consumer.process(event)).resolves.toBe(false);
    const result = await gql<{ auditEvent: Record<string, unknown> }>(
      `query($id: ID!) { auditEvent(id: $id) { id action outcome severity resourceType resourceId actor { userId username ip userAgent } details } }`,
      { id: event.id },
      { token: reader() },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.auditEvent).toEqual({
      id: event.id,
      action: "auth.login.failed",
      outcome: "FAILURE",
      severity: "WARNING",
      resourceType: "credential",
      resourceId: event.subject.id,
      actor: { ...event.actor },
      details: event.data,
    });
    expect(await rowsOf([event.id])).toHaveLength(1);
  });

  it("redacts secret-looking keys in details (the kit logger's rules)", async () => {
    const event = credentialCreated(`cred-${randomUUID().slice(0, 6)}`);
    await consumer.process(event);
    const { rows } = await superuser.query<{ details: Record<string, unknown> }>("SELECT details FROM audit_events WHERE id = $1::uuid", [event.id]);
    expect(rows[0]!.details).toMatchObject({ name: (event.data as { name: string }).name, secretFields: "[redacted]" });
  });

  it("keeps one linear chain under concurrent inserts (advisory lock)", async () => {
    const events = Array.from({ length: 40 }, (_, i) => loginFailed(`burst-${i}-${randomUUID().slice(0, 4)}`));
    await Promise.all(events.map((event) => consumer.process(event)));
    const rows = await rowsOf(events.map((event) => event.id));
    expect(rows).toHaveLength(40);
    const report = await verify(rows[0]!.seq, rows.at(-1)!.seq);
    expect(report).toMatchObject({ ok: true, brokenSeq: null });
    expect(report.checked).toBeGreaterThanOrEqual(40);
  });
});

describe("append-only and tamper-evident", () => {
  it("the service's role cannot UPDATE, DELETE or TRUNCATE audit rows", async () => {
    const event = loginFailed("victim");
    await consumer.process(event);
    const pool = subgraph.services.audit["sql"]();
    expect((await pool.query<{ role: string }>("SELECT current_user AS role")).rows[0]!.role).toBe("opsc_audit_app");
    await expect(pool.query("UPDATE audit_events SET outcome = 'SUCCESS' WHERE id = $1::uuid", [event.id])).rejects.toThrow(/permission denied/);
    await expect(pool.query("DELETE FROM audit_events WHERE id = $1::uuid", [event.id])).rejects.toThrow(/permission denied/);
    await expect(pool.query("TRUNCATE audit_events")).rejects.toThrow(/permission denied/);
    // Even the owner is refused by the triggers, unless it switches them off (as the tamper tests below do).
    await expect(superuser.query("UPDATE audit_events SET outcome = 'SUCCESS' WHERE id = $1::uuid", [event.id])).rejects.toThrow(/append-only/);
    await expect(superuser.query("DELETE FROM audit_events WHERE id = $1::uuid", [event.id])).rejects.toThrow(/append-only/);
  });

  /** Runs SQL as superuser with triggers off: what someone with database access could do. */
  const tamper = async (sql: string, values: unknown[]) => {
    await superuser.query("BEGIN");
    await superuser.query("SET LOCAL session_replication_role = replica");
    await superuser.query(sql, values);
    await superuser.query("COMMIT");
  };

  it("verifyAuditChain names the row a superuser edited, deleted before, or swapped", async () => {
    const events = Array.from({ length: 5 }, (_, i) => loginFailed(`chain-${i}`));
    for (const event of events) await consumer.process(event);
    const rows = await rowsOf(events.map((event) => event.id));
    const [first, second, third, , last] = rows.map((row) => row.seq);
    expect(await verify(first!, last!)).toMatchObject({ ok: true });

    // Edit: the edited row's own hash no longer matches.
    const { rows: before } = await superuser.query<{ outcome: string }>("SELECT outcome FROM audit_events WHERE seq = $1", [second]);
    await tamper("UPDATE audit_events SET outcome = 'SUCCESS' WHERE seq = $1", [second]);
    expect(await verify(first!, last!)).toMatchObject({ ok: false, brokenSeq: second, reason: "CONTENT_HASH_MISMATCH" });
    await tamper("UPDATE audit_events SET outcome = $2 WHERE seq = $1", [second, before[0]!.outcome]);
    expect(await verify(first!, last!)).toMatchObject({ ok: true });

    // Reorder: swap two rows' places; the first moved row no longer links to its predecessor.
    await tamper("UPDATE audit_events SET seq = -seq WHERE seq IN ($1, $2)", [second, third]);
    await tamper("UPDATE audit_events SET seq = CASE WHEN seq = -$1::bigint THEN $2::bigint ELSE $1::bigint END WHERE seq IN (-$1::bigint, -$2::bigint)", [second, third]);
    expect(await verify(first!, last!)).toMatchObject({ ok: false, brokenSeq: second, reason: "PREVIOUS_HASH_MISMATCH" });
    await tamper("UPDATE audit_events SET seq = -seq WHERE seq IN ($1, $2)", [second, third]);
    await tamper("UPDATE audit_events SET seq = CASE WHEN seq = -$1::bigint THEN $2::bigint ELSE $1::bigint END WHERE seq IN (-$1::bigint, -$2::bigint)", [second, third]);
    expect(await verify(first!, last!)).toMatchObject({ ok: true });

    // Delete: the row after the gap no longer links.
    const { rows: saved } = await superuser.query("SELECT * FROM audit_events WHERE seq = $1", [second]);
    await tamper("DELETE FROM audit_events WHERE seq = $1", [second]);
    expect(await verify(first!, last!)).toMatchObject({ ok: false, brokenSeq: third, reason: "PREVIOUS_HASH_MISMATCH" });
    const row = saved[0] as Record<string, unknown>;
    const columns = Object.keys(row);
    await tamper(`INSERT INTO audit_events (${columns.join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`, columns.map((column) => row[column]));
    expect(await verify(first!, last!)).toMatchObject({ ok: true });
  });
});

describe("queries", () => {
  it("filters by actor, action prefix, outcome and time; counts per action, actor and day; exports CSV and JSON with the same filter", async () => {
    const who = `filter-${randomUUID().slice(0, 8)}`;
    const failures = [loginFailed(who), loginFailed(who)];
    for (const event of failures) await consumer.process(event);
    const filter = { actor: who, actionPrefix: "auth.", outcome: "FAILURE", from: new Date(Date.now() - 60_000).toISOString() };
    const page = await gql<{ auditEvents: { total: number; items: Array<{ id: string }> } }>(
      `query($filter: AuditEventFilter) { auditEvents(filter: $filter, pagination: { limit: 10 }, sort: { field: SEQ, direction: ASC }) { total items { id } } }`,
      { filter },
      { token: reader() },
    );
    expect(page.data!.auditEvents).toEqual({ total: 2, items: failures.map((event) => ({ id: event.id })) });
    const stats = await gql<{ auditStats: { total: number; byAction: unknown[]; byActor: unknown[]; byDay: Array<{ count: number }> } }>(
      `query($filter: AuditEventFilter) { auditStats(filter: $filter) { total byAction { key count } byActor { key count } byDay { key count } } }`,
      { filter },
      { token: reader() },
    );
    expect(stats.data!.auditStats).toMatchObject({ total: 2, byAction: [{ key: "auth.login.failed", count: 2 }], byActor: [{ key: who, count: 2 }] });
    expect(stats.data!.auditStats.byDay.reduce((sum, day) => sum + day.count, 0)).toBe(2);
    const csv = await gql<{ exportAuditEvents: { count: number; content: string } }>(
      `query($filter: AuditEventFilter) { exportAuditEvents(format: CSV, filter: $filter) { count content } }`,
      { filter },
      { token: reader() },
    );
    const lines = csv.data!.exportAuditEvents.content.trim().split("\n");
    expect(lines[0]).toMatch(/^seq,id,occurredAt,action,outcome/);
    expect(lines.slice(1).map((line) => line.split(",")[1])).toEqual(failures.map((event) => `"${event.id}"`));
    const json = await gql<{ exportAuditEvents: { count: number; content: string } }>(
      `query($filter: AuditEventFilter) { exportAuditEvents(format: JSON, filter: $filter) { count content } }`,
      { filter },
      { token: reader() },
    );
    expect((JSON.parse(json.data!.exportAuditEvents.content) as Array<{ id: string }>).map((event) => event.id)).toEqual(failures.map((event) => event.id));
  });

  it("needs audit:read (FORBIDDEN without it, UNAUTHENTICATED anonymous) and refuses a bad filter as BAD_USER_INPUT", async () => {
    const query = `query { auditEvents { total } }`;
    expect(errorCodes(await gql(query, {}, { token: signer.sign({ id: randomUUID(), permissions: ["targets:read"] }) }))).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await gql(query))).toEqual(["UNAUTHENTICATED"]);
    const bad = await gql(`query { auditEvents(filter: { from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { total } }`, {}, { token: reader() });
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "filter.to" } });
  });
});

