import { badInput } from "@opsconductor/kit";
import { z } from "zod";
import { AuditOutcome, AuditSeverity } from "./audit.type";

/**
 * The one validation of an audit filter, for the GraphQL argument (`auditEvents`, `auditStats`,
 * `exportAuditEvents`) and the streamed HTTP export's query string alike: strings are trimmed (empty
 * means "no condition"), bounded, enums checked, dates ISO 8601, `to` not before `from`.
 */
const text = z
  .string()
  .trim()
  .max(200, "must be at most 200 characters")
  .transform((value) => value || undefined)
  .nullish();

/** A Date (GraphQL's DateTime scalar parsed it) or an ISO 8601 string (a query string). */
const instant = z
  .union([
    z.date(),
    z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/, "must be an ISO 8601 date or date-time")
      .transform((value) => new Date(value)),
  ])
  .refine((value) => !Number.isNaN(value.getTime()), "must be a valid date")
  .nullish();

export const auditFilterSchema = z
  .object({
    actor: text,
    actionPrefix: text,
    resourceType: text,
    resourceId: text,
    outcome: z.enum(AuditOutcome, { message: `must be one of ${Object.values(AuditOutcome).join(", ")}` }).nullish(),
    severity: z.enum(AuditSeverity, { message: `must be one of ${Object.values(AuditSeverity).join(", ")}` }).nullish(),
    from: instant,
    to: instant,
  })
  .superRefine((filter, ctx) => {
    if (filter.from && filter.to && filter.from > filter.to) ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
  });

export type ParsedAuditFilter = z.output<typeof auditFilterSchema>;

/** The first problem of a zod result as BAD_USER_INPUT naming the field (`filter.from`, or the query parameter `from`). */
export function badInputFrom(error: z.ZodError, prefix: string): Error {
  const issue = error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
  return badInput(field || prefix, issue.code === "unrecognized_keys" ? `unknown parameter ${issue.keys.join(", ")}` : issue.message);
}

/** Validates a filter (GraphQL input or query-string object); throws BAD_USER_INPUT naming the field. */
export function parseAuditFilter(filter: unknown, prefix = "filter"): ParsedAuditFilter {
  const result = auditFilterSchema.safeParse(filter ?? {});
  if (!result.success) throw badInputFrom(result.error, prefix);
  return result.data;
}
