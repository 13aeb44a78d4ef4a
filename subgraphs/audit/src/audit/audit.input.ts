import { Field, GraphQLISODateTime, InputType, registerEnumType } from "type-graphql";
import { AuditOutcome, AuditSeverity } from "./audit.type";

@InputType({ description: "Every given condition must hold." })
export class AuditEventFilter {
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

  @Field(() => GraphQLISODateTime, { nullable: true, description: "occurredAt at or after." })
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "occurredAt before." })
  to?: Date | null;
}

export enum AuditSortField {
  SEQ = "SEQ",
  OCCURRED_AT = "OCCURRED_AT",
  ACTION = "ACTION",
  SEVERITY = "SEVERITY",
}
registerEnumType(AuditSortField, { name: "AuditSortField" });

export enum SortDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(SortDirection, { name: "AuditSortDirection" });

@InputType()
export class AuditSortInput {
  @Field(() => AuditSortField, { nullable: true, defaultValue: AuditSortField.SEQ })
  field?: AuditSortField;

  @Field(() => SortDirection, { nullable: true, defaultValue: SortDirection.DESC })
  direction?: SortDirection;
}

export enum AuditExportFormat {
  CSV = "CSV",
  JSON = "JSON",
}
registerEnumType(AuditExportFormat, { name: "AuditExportFormat" });
