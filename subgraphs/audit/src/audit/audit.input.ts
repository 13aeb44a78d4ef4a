import { SortInput, TimeRangeFilter, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { Field, InputType } from "type-graphql";
import { AuditOutcome, AuditSeverity } from "./audit.type";

@InputType({ description: "Every given condition must hold." })
export class AuditEventFilter extends TimeRangeFilter("occurredAt") {
  @Field(() => String, { nullable: true, description: "Username or user id of the actor." })
  actor?: string | null;

  @Field(() => String, { nullable: true, description: "Action (event type) prefix, e.g. `auth.` or `targets.credential.`." })
  actionPrefix?: string | null;

  @Field(() => String, { nullable: true })
  resourceType?: string | null;

  @Field(() => String, { nullable: true })
  resourceId?: string | null;

  @Field(() => AuditOutcome, { nullable: true })
  outcome?: AuditOutcome | null;

  @Field(() => AuditSeverity, { nullable: true })
  severity?: AuditSeverity | null;
}

export const AuditSortField = graphqlEnum("AuditSortField", ["SEQ", "OCCURRED_AT", "ACTION", "SEVERITY"]);
export type AuditSortField = EnumOf<typeof AuditSortField>;

@InputType()
export class AuditSortInput extends SortInput(AuditSortField, { field: "SEQ", direction: "DESC" }) {}

export const AuditExportFormat = graphqlEnum("AuditExportFormat", ["CSV", "JSON"]);
export type AuditExportFormat = EnumOf<typeof AuditExportFormat>;
