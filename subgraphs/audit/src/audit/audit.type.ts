import { Page, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { GraphQLJSONObject } from "graphql-scalars";
import { Field, GraphQLISODateTime, ID, Int, ObjectType } from "type-graphql";

export const AuditOutcome = graphqlEnum("AuditOutcome", ["SUCCESS", "FAILURE"], { description: "Whether the recorded action succeeded or was refused/failed." });
export type AuditOutcome = EnumOf<typeof AuditOutcome>;

export const AuditSeverity = graphqlEnum("AuditSeverity", ["INFO", "NOTICE", "WARNING", "CRITICAL"]);
export type AuditSeverity = EnumOf<typeof AuditSeverity>;

@ObjectType({ description: "Who did it: the user (if signed in) and the client address the gateway saw." })
export class AuditActor {
  @Field(() => String, { nullable: true })
  userId!: string | null;

  @Field(() => String, { nullable: true })
  username!: string | null;

  @Field(() => String, { nullable: true })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;
}

@ObjectType({ description: "One recorded domain event, append-only and hash-chained." })
export class AuditEvent {
  @Field(() => ID, { description: "The event's id." })
  id!: string;

  @Field({ description: "Position in the hash chain." })
  seq!: string;

  @Field({ description: "The event type, e.g. targets.target.created." })
  action!: string;

  @Field(() => AuditActor)
  actor!: AuditActor;

  @Field()
  resourceType!: string;

  @Field()
  resourceId!: string;

  @Field(() => AuditOutcome)
  outcome!: AuditOutcome;

  @Field(() => AuditSeverity)
  severity!: AuditSeverity;

  @Field(() => GraphQLISODateTime)
  occurredAt!: Date;

  @Field(() => GraphQLISODateTime)
  recordedAt!: Date;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => GraphQLJSONObject, { description: "The event's data, secrets redacted." })
  details!: Record<string, unknown>;

  @Field()
  prevHash!: string;

  @Field()
  hash!: string;
}

@ObjectType({ description: "One page of audit events and the total." })
export class AuditEventPage extends Page(AuditEvent) {}

@ObjectType()
export class AuditCount {
  @Field()
  key!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: "Counts of the filtered audit events per action, actor and day (UTC); top 100 of each." })
export class AuditStats {
  @Field(() => Int)
  total!: number;

  @Field(() => [AuditCount])
  byAction!: AuditCount[];

  @Field(() => [AuditCount])
  byActor!: AuditCount[];

  @Field(() => [AuditCount])
  byDay!: AuditCount[];
}

@ObjectType({ description: "The result of walking the hash chain: ok, or the first row that does not verify." })
export class AuditChainReport {
  @Field()
  ok!: boolean;

  @Field(() => Int, { description: "Rows verified before the break (or all of them)." })
  checked!: number;

  @Field(() => String, { nullable: true })
  brokenSeq!: string | null;

  @Field(() => String, { nullable: true })
  brokenId!: string | null;

  @Field(() => String, { nullable: true, description: "PREVIOUS_HASH_MISMATCH (a row deleted, inserted or moved before it) or CONTENT_HASH_MISMATCH (the row edited)." })
  reason!: string | null;
}

@ObjectType({ description: "Audit events as CSV or JSON." })
export class AuditExport {
  @Field()
  format!: string;

  @Field(() => Int)
  count!: number;

  @Field({ description: "True when the export stopped at AUDIT_EXPORT_MAX_ROWS." })
  truncated!: boolean;

  @Field()
  content!: string;
}
