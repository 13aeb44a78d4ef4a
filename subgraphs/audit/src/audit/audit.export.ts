import type { AuditEvent } from "./audit.type";

/** The formats of an export: CSV (one header line), a JSON array, or NDJSON (one JSON object a line). */
export const EXPORT_FORMATS = ["csv", "json", "ndjson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

const CSV_COLUMNS = ["seq", "id", "occurredAt", "action", "outcome", "severity", "actorUserId", "actorUsername", "actorIp", "actorUserAgent", "resourceType", "resourceId", "requestId", "details", "hash"] as const;

/**
 * One CSV cell: always quoted, quotes doubled (RFC 4180), and a value a spreadsheet would run as a
 * formula (starting with = + - @, tab or carriage return) prefixed with `'` (OWASP CSV injection).
 */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  return `"${(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"`;
}

export const csvHeader = () => `${CSV_COLUMNS.join(",")}\r\n`;

export function csvLine(event: AuditEvent): string {
  const record: Record<string, unknown> = {
    ...event,
    actorUserId: event.actor.userId,
    actorUsername: event.actor.username,
    actorIp: event.actor.ip,
    actorUserAgent: event.actor.userAgent,
  };
  return `${CSV_COLUMNS.map((column) => csvCell(record[column])).join(",")}\r\n`;
}

/** An event as the JSON exports write it (the previous row's hash is left out: `verifyAuditChain` checks the chain). */
export const jsonOf = (event: AuditEvent) => JSON.stringify({ ...event, prevHash: undefined });

/** The text of a whole export, batch by batch: header/opening, rows, closing; nothing held beyond one batch. */
export async function* serialize(format: ExportFormat, batches: AsyncIterable<AuditEvent[]>): AsyncGenerator<string> {
  if (format === "csv") yield csvHeader();
  if (format === "json") yield "[";
  let first = true;
  for await (const batch of batches) {
    if (!batch.length) continue;
    if (format === "csv") yield batch.map(csvLine).join("");
    else if (format === "ndjson") yield batch.map((event) => `${jsonOf(event)}\n`).join("");
    else {
      yield `${first ? "\n" : ",\n"}${batch.map(jsonOf).join(",\n")}`;
      first = false;
    }
  }
  if (format === "json") yield "\n]\n";
}
