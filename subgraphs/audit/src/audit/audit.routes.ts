import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Express, Response } from "express";
import { GraphQLError } from "graphql";
import { badInput, REQUEST_ID_HEADER, type Logger, type RequestContext } from "@opsconductor/kit";
import type { RouteAuth } from "@opsconductor/kit/subgraph";
import type { AuditService } from "./audit.service";
import type { AuditEvent } from "./audit.type";
import { CONTENT_TYPES, EXPORT_FORMATS, serialize, type ExportFormat } from "./audit.export";
import { auditFilterSchema } from "./audit.filter";

/** The path of the streamed export, here and (proxied) on the gateway. */
export const EXPORT_PATH = "/export/audit";

const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403 };

/** An expected failure as JSON shaped like a GraphQL response (code, field, request id); anything else is 500. */
function sendError(res: Response, error: unknown, logger: Logger): void {
  const code = error instanceof GraphQLError ? String(error.extensions?.code ?? "") : "";
  const status = STATUS[code];
  const requestId = res.getHeader(REQUEST_ID_HEADER);
  if (!status) logger.error("audit export failed before streaming", { error, requestId });
  res.status(status ?? 500).json({
    errors: [
      {
        message: status ? (error as GraphQLError).message : "Internal error",
        extensions: { code: status ? code : "INTERNAL_SERVER_ERROR", ...(status === 400 ? { field: (error as GraphQLError).extensions?.field } : {}), ...(requestId ? { requestId: String(requestId) } : {}) },
      },
    ],
  });
}

/** The query string as the filter's fields and the format: every parameter once, none unknown. */
function readQuery(query: Record<string, unknown>): { format: ExportFormat; filter: Record<string, string> } {
  const known = new Set(["format", ...Object.keys(auditFilterSchema.shape)]);
  const filter: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!known.has(name)) throw badInput(name, "unknown parameter");
    if (typeof value !== "string") throw badInput(name, "must be given once");
    if (name !== "format") filter[name] = value;
  }
  const format = (typeof query.format === "string" ? query.format : "csv").toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw badInput("format", `must be one of ${EXPORT_FORMATS.join(", ")}`);
  return { format: format as ExportFormat, filter };
}

/**
 * `GET /export/audit?format=csv|json|ndjson&<auditEvents filter fields>`: reached only through the
 * gateway (its proof), as the caller (bearer token, recall, `audit:read`). Rows go out oldest first in
 * keyset batches; `pipeline` pulls the next batch only when the socket has taken the last one
 * (backpressure), and a client that goes away stops the reads. A failure after the first byte cuts
 * the connection, so a partial export never looks complete.
 */
export function auditExportRoute(app: Express, audit: AuditService, auth: RouteAuth, logger: Logger): void {
  app.get(EXPORT_PATH, auth.gatewayOnly, async (req, res) => {
    let batches: AsyncGenerator<AuditEvent[]>;
    let format: ExportFormat;
    let ctx: RequestContext | undefined;
    try {
      ctx = await auth.authenticate(req, res);
      if (!ctx.user) throw new GraphQLError("Authentication required", { extensions: { code: "UNAUTHENTICATED" } });
      const query = readQuery(req.query as Record<string, unknown>);
      format = query.format;
      batches = await audit.openExport(ctx, query.filter, "");
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401) return void sendError(res, new GraphQLError((error as Error).message, { extensions: { code: "UNAUTHENTICATED" } }), logger);
      // A refused export is audited like a refused GraphQL field (audit.permission.denied).
      if (ctx) await auth.recordDenial(error, ctx, `GET ${EXPORT_PATH}`);
      return void sendError(res, error, logger);
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    res.status(200);
    res.setHeader("content-type", CONTENT_TYPES[format]);
    res.setHeader("content-disposition", `attachment; filename="audit-${stamp}.${format}"`);
    res.setHeader("cache-control", "no-store");
    try {
      // highWaterMark 1: at most one serialized batch waits beside the socket's own buffer.
      await pipeline(Readable.from(serialize(format, batches), { highWaterMark: 1 }), res);
      logger.info("audit export streamed", { format, userId: ctx?.user?.id });
    } catch (error) {
      if (!res.destroyed || (error as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") logger.warn("audit export stopped", { error: (error as Error).message });
    }
  });
}
