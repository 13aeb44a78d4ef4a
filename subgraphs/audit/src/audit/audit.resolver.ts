import { crud, CrudResolver, PaginationInput, type RequestContext } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, Int, Mutation, Query } from "type-graphql";
import type { AuditService } from "./audit.service";
import { AuditEventFilter, AuditExportFormat, AuditSortInput } from "./audit.input";
import { AuditChainReport, AuditEvent, AuditEventPage, AuditExport, AuditStats } from "./audit.type";

type Context = RequestContext & { audit: AuditService };

@CrudResolver(() => AuditEvent, (ctx: Context) => ctx.audit, {
  auditEvents: crud.list(() => AuditEventPage, "Audit events, newest first by default; needs audit:read.", { filter: () => AuditEventFilter, pagination: () => PaginationInput, sort: () => AuditSortInput }),
  auditEvent: crud.get("One audit event by its (event) id; needs audit:read."),
})
export class AuditResolver {
  @Query(() => AuditStats, { description: "Counts per action, actor and day of the filtered events; needs audit:read." })
  auditStats(@Ctx() ctx: Context, @Arg("filter", () => AuditEventFilter, { nullable: true }) filter?: AuditEventFilter): Promise<AuditStats> {
    return ctx.audit.stats(ctx, filter);
  }

  @Query(() => AuditChainReport, { description: "Verifies the hash chain between two sequence numbers (inclusive; default all); needs audit:read." })
  verifyAuditChain(
    @Ctx() ctx: Context,
    @Arg("from", () => String, { nullable: true }) from?: string,
    @Arg("to", () => String, { nullable: true }) to?: string,
  ): Promise<AuditChainReport> {
    return ctx.audit.verify(ctx, from, to);
  }

  @Query(() => AuditExport, {
    description: "The filtered events as CSV or JSON, oldest first, as one string of at most AUDIT_EXPORT_MAX_ROWS rows; needs audit:read.",
    deprecationReason: "Use the streamed GET /export/audit?format=csv|json|ndjson&<filter> of the gateway (no row cap, same filter).",
  })
  exportAuditEvents(
    @Ctx() ctx: Context,
    @Arg("format", () => AuditExportFormat) format: AuditExportFormat,
    @Arg("filter", () => AuditEventFilter, { nullable: true }) filter?: AuditEventFilter,
  ): Promise<AuditExport> {
    return ctx.audit.export(ctx, format, filter);
  }

  @Mutation(() => Int, { description: "Removes events older than the retention (default AUDIT_RETENTION_DAYS); the chain stays verifiable. Needs system:write." })
  purgeAuditEvents(@Ctx() ctx: Context, @Arg("retentionDays", () => Int, { nullable: true }) retentionDays?: number): Promise<number> {
    return ctx.audit.purge(ctx, retentionDays);
  }
}
