import { randomUUID } from "node:crypto";
import { eventually, withFreshPort } from "@opsconductor/kit/testing";
import { createUserAndLogin, gatewayUrl, gql, isAlive, loginAsAdmin, spawnService, unique } from "./stack";

/**
 * Issue 9, the audit trail's remaining parts through the front door: the streamed export
 * (`GET /export/audit` on the gateway, proxied from the audit subgraph in keyset batches of 50 in this
 * stack) and the retention the audit worker applies by itself on its BullMQ schedule.
 */
const base = gatewayUrl.replace(/\/graphql$/, "");
let admin: string;

async function call<T>(query: string, variables: Record<string, unknown> = {}, token = admin): Promise<T> {
  const result = await gql<T>(query, variables, token);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

const download = (query: string, token?: string) => fetch(`${base}/export/audit?${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** Every row of auditEvents with this filter, oldest first (pages of 100). */
async function listed(filter: Record<string, unknown>): Promise<Array<{ id: string; seq: string; action: string }>> {
  const rows: Array<{ id: string; seq: string; action: string }> = [];
  for (let offset = 0; ; offset += 100) {
    const page = await call<{ auditEvents: { total: number; items: Array<{ id: string; seq: string; action: string }> } }>(
      "query($f: AuditEventFilter, $o: Int) { auditEvents(filter: $f, sort: { field: SEQ, direction: ASC }, pagination: { limit: 100, offset: $o }) { total items { id seq action } } }",
      { f: filter, o: offset },
    );
    rows.push(...page.auditEvents.items);
    if (rows.length >= page.auditEvents.total || !page.auditEvents.items.length) return rows;
  }
}

/** RFC 4180 rows of a CSV text (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else if (c !== "\r") cell += c;
  }
  return rows;
}

beforeAll(async () => {
  admin = (await loginAsAdmin()).accessToken;
});

describe("streamed audit export through the gateway", () => {
  it("streams CSV, a JSON array and NDJSON in several keyset batches: the same rows, in the same order, as auditEvents with the same filter; no secret", async () => {
    // One target updated 120 times: 121 audit rows with its id, more than two batches of 50.
    const marker = `s3cret-marker-${randomUUID()}`;
    const target = await withFreshPort((port) =>
      call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
        input: { name: unique("export"), address: "127.0.0.1", port },
      }),
    );
    const id = target.createTarget.id;
    for (let i = 0; i < 120; i++) await call("mutation($id: ID!, $input: UpdateTargetInput!) { updateTarget(id: $id, input: $input) { id } }", { id, input: { description: `export ${i}` } });
    const credential = await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
      input: { name: unique("export-cred"), type: "PASSWORD", username: "svc", password: marker },
    });
    const filter = { resourceId: id, actionPrefix: "targets.target." };
    const expected = await eventually(async () => {
      const rows = await listed(filter);
      return rows.length === 121 ? rows : undefined;
    }, 60_000, 500);
    const query = new URLSearchParams(filter).toString();

    const csv = await download(`format=csv&${query}`, admin);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    const table = parseCsv(await csv.text());
    expect(table[0]!.slice(0, 4)).toEqual(["seq", "id", "occurredAt", "action"]);
    expect(table.slice(1).map((row) => [row[0], row[1], row[3]])).toEqual(expected.map((row) => [row.seq, row.id, row.action]));
    // Details are JSON in one quoted cell (commas and doubled quotes survive the round trip).
    for (const row of table.slice(1)) {
      expect(row).toHaveLength(15);
      expect(JSON.parse(row[13]!)).toMatchObject({ id });
    }

    const json = await download(`format=json&${query}`, admin);
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const array = (await json.json()) as Array<{ id: string; seq: string; details: Record<string, unknown> }>;
    expect(array.map((row) => [row.seq, row.id])).toEqual(expected.map((row) => [row.seq, row.id]));

    const ndjson = await download(`format=ndjson&${query}`, admin);
    expect(ndjson.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const lines = (await ndjson.text()).trimEnd().split("\n").map((line) => JSON.parse(line) as { id: string });
    expect(lines.map((row) => row.id)).toEqual(expected.map((row) => row.id));

    // The credential's row is exported with its id, never its password.
    const credentialRows = await eventually(async () => {
      const response = await download(`format=json&resourceId=${credential.createCredential.id}`, admin);
      const rows = (await response.json()) as unknown[];
      return rows.length ? JSON.stringify(rows) : undefined;
    }, 30_000, 250);
    expect(credentialRows).toContain(credential.createCredential.id);
    expect(credentialRows).not.toContain(marker);
    const everything = await (await download("format=csv&actionPrefix=targets.credential.", admin)).text();
    expect(everything).toContain(credential.createCredential.id);
    expect(everything).not.toContain(marker);
  }, 180_000);

  it("answers 401 JSON without a token or with a recalled one, 403 JSON to a user without audit:read, 400 JSON naming the bad filter field", async () => {
    const anonymous = await download("format=csv");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ errors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
    const bad = await download("format=csv", "not-a-token");
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ errors: [{ extensions: { code: "UNAUTHENTICATED" } }] });

    const viewer = await createUserAndLogin(admin, ["VIEWER"]);
    const denied = await download("format=csv", viewer.accessToken);
    expect(denied.status).toBe(403);
    expect(denied.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await denied.json()).toMatchObject({ errors: [{ extensions: { code: "FORBIDDEN" } }] });
    // The refusal is audited like a refused GraphQL field: who, what, FAILURE.
    await eventually(async () => {
      const { auditEvents } = await call<{ auditEvents: { items: Array<{ action: string; outcome: string; resourceId: string; actor: { username: string } }> } }>(
        "query($f: AuditEventFilter) { auditEvents(filter: $f) { items { action outcome resourceId actor { username } } } }",
        { f: { actionPrefix: "audit.permission.denied", actor: viewer.username } },
      );
      expect(auditEvents.items).toEqual([{ action: "audit.permission.denied", outcome: "FAILURE", resourceId: "GET /export/audit", actor: { username: viewer.username } }]);
      return true;
    });

    const auditor = await createUserAndLogin(admin, ["ADMIN"]);
    const empty = await download("format=ndjson&actionPrefix=nothing.", auditor.accessToken);
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe("");
    const cases: Array<[string, string]> = [
      ["format=xml", "format"],
      ["from=yesterday", "from"],
      ["outcome=MAYBE", "outcome"],
      ["from=2026-02-01&to=2026-01-01", "to"],
      [`actor=${"a".repeat(201)}`, "actor"],
      ["colour=blue", "colour"],
      ["actor=a&actor=b", "actor"],
    ];
    for (const [query, field] of cases) {
      const response = await download(query, auditor.accessToken);
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string; field: string } }> };
      expect({ query, status: response.status, code: body.errors[0]!.extensions.code, field: body.errors[0]!.extensions.field }).toEqual({ query, status: 400, code: "BAD_USER_INPUT", field });
      expect(body.errors[0]!.message).toMatch(new RegExp(`^${field}: `));
    }
    // The GraphQL filter goes through the same validation (field named under `filter`).
    const graph = await gql("query { auditEvents(filter: { from: \"2026-02-01T00:00:00Z\", to: \"2026-01-01T00:00:00Z\" }) { total } }", {}, admin);
    expect(graph.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.to" });

    // Logout everywhere recalls the token: the export refuses it like /graphql does.
    expect(await gql("mutation { logout(allSessions: true) }", {}, auditor.accessToken)).toMatchObject({ data: { logout: true } });
    const recalled = await download("format=csv", auditor.accessToken);
    expect(recalled.status).toBe(401);
    expect(await recalled.json()).toMatchObject({ errors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
  }, 60_000);
});

describe("audit retention on the worker's schedule", () => {
  it("runs by itself (exactly once per tick with two worker replicas), records audit.events.purged, and the chain still verifies", async () => {
    const since = new Date().toISOString();
    // Every 2 s for this test, on the stack's worker and a second replica sharing the scheduler.
    const every2s = { AUDIT_RETENTION_CRON: "*/2 * * * * *" };
    await (await spawnService("audit-worker-1", every2s)).ready;
    const second = await spawnService("audit-worker-2", every2s);
    await second.ready;
    try {
      const runs = await eventually(async () => {
        const { auditEvents } = await call<{ auditEvents: { items: Array<{ occurredAt: string; actor: { username: string }; details: { trigger: string; retentionDays: number; purged: number } }> } }>(
          "query($f: AuditEventFilter) { auditEvents(filter: $f, sort: { field: SEQ, direction: ASC }, pagination: { limit: 100 }) { items { occurredAt actor { username } details } } }",
          { f: { actionPrefix: "audit.events.purged", from: since } },
        );
        return auditEvents.items.length >= 4 ? auditEvents.items : undefined;
      }, 60_000, 500);
      for (const run of runs) expect(run).toMatchObject({ actor: { username: "system" }, details: { trigger: "SCHEDULE", retentionDays: 365, purged: 0 } });
      // One run per 2-second tick, not one per replica.
      const times = runs.map((run) => Date.parse(run.occurredAt));
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(1_000);
      const chain = await call<{ verifyAuditChain: { ok: boolean; checked: number } }>("query { verifyAuditChain { ok checked } }");
      expect(chain.verifyAuditChain.ok).toBe(true);
    } finally {
      process.kill(second.pid, "SIGTERM");
      await eventually(async () => (isAlive(second.pid) ? undefined : true), 15_000, 100);
      // Back to the default daily schedule (the scheduler is upserted with it).
      await (await spawnService("audit-worker-1")).ready;
    }
  }, 120_000);
});
