import { badInput, redact, requirePermission, SYSTEM_ACTOR, type Actor, type EventEnvelope, type RequestContext } from "@opsconductor/kit";
import { emitEvent, pageArgs, type PaginationInput, type SqlPool, type SqlTx, type Transact } from "@opsconductor/kit/subgraph";
import { GENESIS_HASH, rowHash, type ChainContent } from "./chain";
import { outcomeOf, severityOf } from "./classify";
import { serialize } from "./audit.export";
import { parseAuditFilter } from "./audit.filter";
import type { AuditEventFilter, AuditSortInput } from "./audit.input";
import type { AuditChainReport, AuditEvent, AuditEventPage, AuditExport, AuditStats } from "./audit.type";

/** The lock every chain insert (and the purge function) takes, so the chain stays one line under concurrent consumers. */
const CHAIN_LOCK = "SELECT pg_advisory_xact_lock(hashtext('opsconductor.audit.chain'))";

interface Row {
  seq: string;
  id: string;
  action: string;
  actor_user_id: string | null;
  actor_username: string | null;
  actor_ip: string | null;
  actor_user_agent: string | null;
  resource_type: string;
  resource_id: string;
  outcome: string;
  severity: string;
  occurred_at: Date;
  recorded_at: Date;
  request_id: string | null;
  details: unknown;
  prev_hash: string;
  hash: string;
}

const COLUMNS =
  "seq::text AS seq, id::text AS id, action, actor_user_id, actor_username, actor_ip, actor_user_agent, resource_type, resource_id, outcome, severity, occurred_at, recorded_at, request_id, details, prev_hash, hash";

const content = (row: Row): ChainContent => ({
  id: row.id,
  action: row.action,
  actorUserId: row.actor_user_id,
  actorUsername: row.actor_username,
  actorIp: row.actor_ip,
  actorUserAgent: row.actor_user_agent,
  resourceType: row.resource_type,
  resourceId: row.resource_id,
  outcome: row.outcome,
  severity: row.severity,
  occurredAt: row.occurred_at,
  requestId: row.request_id,
  details: row.details,
});

const toEvent = (row: Row): AuditEvent => ({
  id: row.id,
  seq: row.seq,
  action: row.action,
  actor: { userId: row.actor_user_id, username: row.actor_username, ip: row.actor_ip, userAgent: row.actor_user_agent },
  resourceType: row.resource_type,
  resourceId: row.resource_id,
  outcome: row.outcome as AuditEvent["outcome"],
  severity: row.severity as AuditEvent["severity"],
  occurredAt: row.occurred_at,
  recordedAt: row.recorded_at,
  requestId: row.request_id,
  details: row.details as Record<string, unknown>,
  prevHash: row.prev_hash,
  hash: row.hash,
});

/** WHERE clause and values for a filter, validated once here (the same for the list, the stats and both exports). */
function where(filter: unknown, prefix = "filter"): { sql: string; values: unknown[] } {
  const parsed = parseAuditFilter(filter, prefix);
  const clauses: string[] = [];
  const values: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    values.push(value);
    clauses.push(clause(`$${values.length}`));
  };
  if (parsed.actor) add((n) => `(actor_username = ${n} OR actor_user_id = ${n})`, parsed.actor);
  if (parsed.actionPrefix) add((n) => `starts_with(action, ${n})`, parsed.actionPrefix);
  if (parsed.resourceType) add((n) => `resource_type = ${n}`, parsed.resourceType);
  if (parsed.resourceId) add((n) => `resource_id = ${n}`, parsed.resourceId);
  if (parsed.outcome) add((n) => `outcome = ${n}`, parsed.outcome);
  if (parsed.severity) add((n) => `severity = ${n}`, parsed.severity);
  if (parsed.from) add((n) => `occurred_at >= ${n}`, parsed.from);
  if (parsed.to) add((n) => `occurred_at < ${n}`, parsed.to);
  return { sql: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", values };
}

const SORT_COLUMNS = { OCCURRED_AT: "occurred_at", SEQ: "seq", ACTION: "action", SEVERITY: "severity" } as const;

export interface AuditConfig {
  retentionDays: number;
  exportMaxRows: number;
  exportBatchSize: number;
}

/** Records events into the hash chain and answers queries on it. */
export class AuditService {
  constructor(
    private readonly sql: () => SqlPool,
    private readonly transaction: Transact<SqlTx>,
    private readonly config: AuditConfig,
  ) {}

  /**
   * Appends one event (inside the consumer's transaction, with its processed-event row): the details
   * are the event's data with secret-looking keys redacted (the kit logger's rules).
   */
  async record(event: EventEnvelope, tx: SqlTx): Promise<void> {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const outcome = outcomeOf(event);
    const row: ChainContent = {
      id: event.id,
      action: event.type,
      actorUserId: event.actor.userId,
      actorUsername: event.actor.username,
      actorIp: event.actor.ip,
      actorUserAgent: event.actor.userAgent,
      resourceType: event.subject.type,
      resourceId: event.subject.id,
      outcome,
      severity: severityOf(event, outcome),
      occurredAt: new Date(event.occurredAt),
      requestId: typeof data.requestId === "string" ? data.requestId : null,
      details: redact(data) as Record<string, unknown>,
    };
    await tx.$executeRawUnsafe(CHAIN_LOCK);
    const prevHash = await this.tailHash(tx);
    await tx.$executeRawUnsafe(
      `INSERT INTO audit_events (id, action, actor_user_id, actor_username, actor_ip, actor_user_agent, resource_type, resource_id, outcome, severity, occurred_at, request_id, details, prev_hash, hash)
       VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12, $13::jsonb, $14, $15)`,
      row.id,
      row.action,
      row.actorUserId,
      row.actorUsername,
      row.actorIp,
      row.actorUserAgent,
      row.resourceType,
      row.resourceId,
      row.outcome,
      row.severity,
      row.occurredAt.toISOString(),
      row.requestId,
      JSON.stringify(row.details),
      prevHash,
      rowHash(prevHash, row),
    );
  }

  /** The hash the next row links to: the last row's, or after a purge of everything the checkpoint's, or genesis. */
  private async tailHash(tx: SqlTx): Promise<string> {
    const [tail] = await tx.$queryRawUnsafe<Array<{ hash: string }>>("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1");
    if (tail) return tail.hash;
    const [checkpoint] = await tx.$queryRawUnsafe<Array<{ last_hash: string }>>("SELECT last_hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1");
    return checkpoint?.last_hash ?? GENESIS_HASH;
  }

  async list(ctx: RequestContext, filter?: AuditEventFilter | null, pagination?: PaginationInput | null, sort?: AuditSortInput | null): Promise<AuditEventPage> {
    requirePermission(ctx, "audit:read");
    const { skip, take } = pageArgs(pagination);
    const { sql, values } = where(filter);
    const column = SORT_COLUMNS[sort?.field ?? "SEQ"];
    const direction = sort?.direction === "ASC" ? "ASC" : "DESC";
    const pool = this.sql();
    const [rows, total] = await Promise.all([
      pool.query<Row>(`SELECT ${COLUMNS} FROM audit_events ${sql} ORDER BY audit_events.${column} ${direction}, audit_events.seq ${direction} OFFSET ${skip} LIMIT ${take}`, values),
      pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM audit_events ${sql}`, values),
    ]);
    return { items: rows.rows.map(toEvent), total: Number(total.rows[0]!.n) };
  }

  async get(ctx: RequestContext, id: string): Promise<AuditEvent | null> {
    requirePermission(ctx, "audit:read");
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw badInput("id", "must be a UUID");
    const { rows } = await this.sql().query<Row>(`SELECT ${COLUMNS} FROM audit_events WHERE id = $1::uuid`, [id]);
    return rows[0] ? toEvent(rows[0]) : null;
  }

  async stats(ctx: RequestContext, filter?: AuditEventFilter | null): Promise<AuditStats> {
    requirePermission(ctx, "audit:read");
    const { sql, values } = where(filter);
    const pool = this.sql();
    const group = (expression: string) =>
      pool
        .query<{ key: string | null; count: string }>(`SELECT ${expression} AS key, count(*)::text AS count FROM audit_events ${sql} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 100`, values)
        .then((result) => result.rows.map((row) => ({ key: row.key ?? "", count: Number(row.count) })));
    const [byAction, byActor, byDay, total] = await Promise.all([
      group("action"),
      group("coalesce(actor_username, actor_user_id, 'anonymous')"),
      group("to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
      pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM audit_events ${sql}`, values),
    ]);
    byDay.sort((a, b) => (a.key < b.key ? -1 : 1));
    return { total: Number(total.rows[0]!.n), byAction, byActor, byDay };
  }

  /**
   * Walks the chain from `from` to `to` (sequence numbers, inclusive): each row must link to the one
   * before it (or to the purge checkpoint) and hash to its stored hash. Returns the first broken row.
   */
  async verify(ctx: RequestContext, from?: string | null, to?: string | null): Promise<AuditChainReport> {
    requirePermission(ctx, "audit:read");
    for (const [field, value] of [["from", from], ["to", to]] as const) if (value != null && !/^\d{1,18}$/.test(value)) throw badInput(field, "must be a sequence number");
    const pool = this.sql();
    const client = await pool.connect();
    try {
      // One snapshot for the whole walk: rows recorded meanwhile do not count.
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const start = from ?? "0";
      const [before] = (await client.query<{ hash: string; seq: string }>("SELECT hash, seq::text AS seq FROM audit_events WHERE seq < $1::bigint ORDER BY audit_events.seq DESC LIMIT 1", [start])).rows;
      const [checkpoint] = (await client.query<{ last_hash: string; purged_through_seq: string }>(
        "SELECT last_hash, purged_through_seq::text AS purged_through_seq FROM audit_checkpoints WHERE purged_through_seq < $1::bigint ORDER BY purged_through_seq DESC LIMIT 1",
        [start === "0" ? "9223372036854775807" : start],
      )).rows;
      let expected = before?.hash ?? checkpoint?.last_hash ?? GENESIS_HASH;
      let checked = 0;
      let cursor = start;
      for (;;) {
        const { rows } = await client.query<Row>(
          `SELECT ${COLUMNS} FROM audit_events WHERE seq >= $1::bigint AND ($2::bigint IS NULL OR seq <= $2::bigint) ORDER BY audit_events.seq LIMIT 1000`,
          [cursor, to ?? null],
        );
        for (const row of rows) {
          if (row.prev_hash !== expected) return { ok: false, checked, brokenSeq: row.seq, brokenId: row.id, reason: "PREVIOUS_HASH_MISMATCH" };
          if (rowHash(row.prev_hash, content(row)) !== row.hash) return { ok: false, checked, brokenSeq: row.seq, brokenId: row.id, reason: "CONTENT_HASH_MISMATCH" };
          expected = row.hash;
          checked += 1;
        }
        if (rows.length < 1000) break;
        cursor = (BigInt(rows.at(-1)!.seq) + 1n).toString();
      }
      return { ok: true, checked, brokenSeq: null, brokenId: null, reason: null };
    } finally {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release();
    }
  }

  /**
   * The rows matching the filter, oldest first, as batches of AUDIT_EXPORT_BATCH_SIZE read by keyset
   * (`seq > last seen`, on the primary key) up to the newest row at the start, so rows recorded
   * meanwhile do not join and no connection is held between batches. Validates and checks the
   * permission before the first row; the caller pulls the next batch only when it has written this one.
   */
  async openExport(ctx: RequestContext, filter: unknown, prefix = "filter"): Promise<AsyncGenerator<AuditEvent[]>> {
    requirePermission(ctx, "audit:read");
    const { sql, values } = where(filter, prefix);
    const pool = this.sql();
    const [top] = (await pool.query<{ seq: string | null }>("SELECT max(seq)::text AS seq FROM audit_events")).rows;
    const through = top?.seq ?? "0";
    const batchSize = this.config.exportBatchSize;
    const range = `seq > $${values.length + 1}::bigint AND seq <= $${values.length + 2}::bigint`;
    const query = `SELECT ${COLUMNS} FROM audit_events ${sql ? `${sql} AND ${range}` : `WHERE ${range}`} ORDER BY audit_events.seq LIMIT ${batchSize}`;
    return (async function* batches() {
      let after = "0";
      for (;;) {
        const { rows } = await pool.query<Row>(query, [...values, after, through]);
        if (rows.length) yield rows.map(toEvent);
        if (rows.length < batchSize) return;
        after = rows.at(-1)!.seq;
      }
    })();
  }

  /**
   * The whole export as one string (the GraphQL `exportAuditEvents`, deprecated for the streamed
   * `GET /export/audit` of the gateway); at most AUDIT_EXPORT_MAX_ROWS.
   */
  async export(ctx: RequestContext, format: "CSV" | "JSON", filter?: AuditEventFilter | null): Promise<AuditExport> {
    const batches = await this.openExport(ctx, filter);
    const limited = async function* (max: number) {
      let left = max;
      for await (const batch of batches) {
        yield batch.slice(0, left);
        left -= batch.length;
        if (left <= 0) return;
      }
    };
    let count = 0;
    const counted = async function* (source: AsyncIterable<AuditEvent[]>) {
      for await (const batch of source) {
        count += batch.length;
        yield batch;
      }
    };
    const parts: string[] = [];
    for await (const part of serialize(format === "CSV" ? "csv" : "json", counted(limited(this.config.exportMaxRows)))) parts.push(part);
    return { format, count, truncated: count >= this.config.exportMaxRows, content: parts.join("") };
  }

  /** Removes rows older than the retention setting, keeping a checkpoint of the last removed hash. */
  async purge(ctx: RequestContext, retentionDays?: number | null): Promise<number> {
    requirePermission(ctx, "system:write");
    const days = retentionDays ?? this.config.retentionDays;
    if (!Number.isInteger(days) || days < 1) throw badInput("retentionDays", "must be a whole number of days, at least 1");
    return this.applyRetention(days, ctx.actor, "MANUAL");
  }

  /**
   * Runs the SECURITY DEFINER `audit_purge` (a prefix of the chain, then a checkpoint) and records
   * `audit.events.purged` in the same transaction, so every purge, scheduled or not, is itself in the trail.
   */
  async applyRetention(days = this.config.retentionDays, actor: Actor = SYSTEM_ACTOR, trigger: "MANUAL" | "SCHEDULE" = "SCHEDULE"): Promise<number> {
    return this.transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<Array<{ purged: number }>>("SELECT audit_purge($1::int) AS purged", days);
      const purged = Number(row!.purged);
      await emitEvent(tx, "audit.events.purged", { actor, subject: { type: "AuditRetention", id: "audit_events" }, data: { retentionDays: days, purged, trigger } });
      return purged;
    });
  }
}
