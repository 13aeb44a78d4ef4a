import { badInput, isUuid, likePattern, type SqlPool } from "@opsconductor/kit/subgraph";
import type { Target as TargetModel } from "../generated/prisma/client";
import { TargetSortField, type TargetFilter } from "./target.input";
import { normalizeEnvironment } from "./target.validation";

const SEARCH_MAX = 200;

/** A WHERE clause over `targets` and its parameters ($1…). */
export interface TargetMatch {
  sql: string;
  params: unknown[];
}

/** A case-insensitive glob (* any run, ? one character) as a LIKE pattern; LIKE's own % and _ match themselves. */
export function globToLike(glob: string): string {
  return glob
    .toLowerCase()
    .replace(/[\\%_]/g, (char) => `\\${char}`)
    .replace(/\*/g, "%")
    .replace(/\?/g, "_");
}

/**
 * The one implementation of TargetFilter (the targets page, saved groups, bulk connection tests,
 * export): live targets matching every criterion that is set. Bad criteria are BAD_USER_INPUT
 * naming the filter field.
 */
export function targetMatch(filter?: TargetFilter | null): TargetMatch {
  const clauses = ["deleted_at IS NULL"];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const search = filter?.search?.trim();
  if (search) {
    if (search.length > SEARCH_MAX) throw badInput("filter.search", `must be at most ${SEARCH_MAX} characters`);
    const p = param(`%${likePattern(search)}%`);
    clauses.push(`(name ILIKE ${p} OR address ILIKE ${p} OR description ILIKE ${p})`);
  }
  const tags = [...new Set((filter?.tags ?? []).map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
  if (tags.length) clauses.push(`tags @> ${param(tags)}::text[]`);
  if (filter?.environment != null) clauses.push(`environment = ${param(normalizeEnvironment(filter.environment, "filter.environment"))}`);
  if (filter?.osType != null) clauses.push(`os_type = ${param(filter.osType)}::os_type`);
  if (filter?.deviceTypeId != null) {
    if (!isUuid(filter.deviceTypeId)) throw badInput("filter.deviceTypeId", "must be a device type id");
    clauses.push(`device_type_id = ${param(filter.deviceTypeId)}::uuid`);
  }
  if (filter?.healthStatus != null) clauses.push(`health_status = ${param(filter.healthStatus)}::health_status`);
  const pattern = filter?.namePattern?.trim();
  if (pattern) {
    if (pattern.length > SEARCH_MAX) throw badInput("filter.namePattern", `must be at most ${SEARCH_MAX} characters`);
    clauses.push(`name_key LIKE ${param(globToLike(pattern))} ESCAPE '\\'`);
  }
  return { sql: clauses.join(" AND "), params };
}

const ORDER: Record<TargetSortField, string[]> = {
  [TargetSortField.NAME]: ["name_key", "name"],
  [TargetSortField.ADDRESS]: ["address"],
  [TargetSortField.CREATED_AT]: ["created_at"],
  [TargetSortField.UPDATED_AT]: ["updated_at"],
};

// Timestamps are stored without a time zone, in UTC (as Prisma writes them); AT TIME ZONE 'UTC'
// makes pg read them as UTC whatever the process's TZ.
const utc = (column: string, property: string) => `${column} AT TIME ZONE 'UTC' AS "${property}"`;

/** The select expression of each row property a page reads; COLUMNS is all of them. */
const COLUMN = {
  id: "id",
  name: "name",
  nameKey: 'name_key AS "nameKey"',
  address: "address",
  port: "port",
  osType: 'os_type AS "osType"',
  environment: "environment",
  tags: "tags",
  description: "description",
  createdById: 'created_by_id AS "createdById"',
  active: "active",
  createdAt: utc("created_at", "createdAt"),
  updatedAt: utc("updated_at", "updatedAt"),
  deletedAt: utc("deleted_at", "deletedAt"),
  serial: "serial",
  deviceTypeId: 'device_type_id AS "deviceTypeId"',
  healthStatus: 'health_status AS "healthStatus"',
  lastCheckedAt: utc("last_checked_at", "lastCheckedAt"),
} satisfies Partial<Record<keyof TargetModel, string>>;
const COLUMNS = Object.values(COLUMN).join(", ");

/** The row property behind each field of Target a page can serve from its own row (null for none). */
const FIELD_PROPERTY: Readonly<Record<string, keyof typeof COLUMN | null>> = {
  __typename: null,
  id: "id",
  name: "name",
  address: "address",
  port: "port",
  osType: "osType",
  environment: "environment",
  tags: "tags",
  description: "description",
  createdBy: "createdById",
  createdAt: "createdAt",
  updatedAt: "updatedAt",
};

/**
 * The columns a page reads for the fields a query selects on its items (selectedFields): a list of names
 * and addresses does not read, sort and parse sixteen columns. Any other field (a field resolver reading
 * the row, e.g. serial or healthStatus) or no selection known → every column.
 */
export function targetColumns(fields: ReadonlySet<string> | undefined): string {
  if (!fields || fields.size === 0) return COLUMNS;
  const columns = new Set([COLUMN.id]);
  for (const field of fields) {
    const property = FIELD_PROPERTY[field];
    if (property === undefined) return COLUMNS;
    if (property) columns.add(COLUMN[property]);
  }
  return [...columns].join(", ");
}

/**
 * One page of targets and the total, in one round trip: the total is an uncorrelated scalar subquery
 * (PostgreSQL runs it once, as an InitPlan), so the page stays a top-N sort of the narrow rows; a window
 * count (count(*) OVER ()) buffered and sorted every matching row with it, ~20 % more database time
 * per page. This is the busiest read of the platform; through pg it costs an eighth of Prisma's findMany + count.
 */
export async function targetPage(
  sql: SqlPool,
  match: TargetMatch,
  order: { field: TargetSortField; descending: boolean },
  page: { skip: number; take: number },
  columns = COLUMNS,
): Promise<{ items: TargetModel[]; total: number }> {
  const direction = order.descending ? "DESC" : "ASC";
  const orderBy = [...ORDER[order.field].map((column) => `${column} ${direction}`), "id ASC"].join(", ");
  const n = match.params.length;
  const { rows } = await sql.query<TargetModel & { total: string }>(
    `SELECT ${columns}, (SELECT count(*) FROM targets WHERE ${match.sql}) AS total FROM targets WHERE ${match.sql} ORDER BY ${orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...match.params, page.take, page.skip],
  );
  if (rows.length > 0 || page.skip === 0) {
    const total = rows.length > 0 ? Number(rows[0]!.total) : 0;
    return { items: rows.map(({ total: _total, ...row }) => row), total };
  }
  // Past the last page there is no row to carry the total.
  const counted = await sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM targets WHERE ${match.sql}`, match.params);
  return { items: [], total: counted.rows[0]!.total };
}

/** Ids of the matching targets in id order, at most `limit`. */
export async function targetIds(sql: SqlPool, match: TargetMatch, limit: number): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>(`SELECT id FROM targets WHERE ${match.sql} ORDER BY id LIMIT $${match.params.length + 1}`, [
    ...match.params,
    limit,
  ]);
  return rows.map((row) => row.id);
}
