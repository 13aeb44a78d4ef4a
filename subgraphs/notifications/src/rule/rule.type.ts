import { Page, UserReference } from "@opsconductor/kit/subgraph";
import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from "type-graphql";
import { NotificationChannel } from "../channel/channel.type";
import { Severity } from "./matching";

registerEnumType(Severity, { name: "NotificationSeverity", description: "Derived from the event: e.g. a FAILED run is ERROR, a PARTIAL one WARNING." });

@ObjectType({ description: "Every non-empty list must match the event." })
export class RuleConditions {
  @Field(() => [String], { description: "The event's data.status is one of these (e.g. FAILED, PARTIAL)." }) statuses!: string[];
  @Field(() => [ID], { description: "The event's data.jobId is one of these." }) jobIds!: string[];
  @Field(() => [String], { description: "A target the event names (tags, targetId, targetIds) carries all of these tags." }) targetTags!: string[];
  @Field(() => [Severity]) severities!: Severity[];
}

@ObjectType({ description: "When an event matches, send to these channels with these templates." })
export class NotificationRule {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({ description: "Event type, exact or with * (one segment) or # (any number), e.g. executions.run.*" }) eventPattern!: string;
  @Field(() => RuleConditions) conditions!: RuleConditions;
  @Field({ description: "`{{variables}}` from the event: event.id, event.type, event.occurredAt, severity, actor.username, subject.id, rule.name, data.<field>…" })
  subjectTemplate!: string;
  @Field() bodyTemplate!: string;
  @Field() enabled!: boolean;
  channelIds!: string[];
  @Field(() => UserReference, { nullable: true }) createdBy!: UserReference | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

@ObjectType({ description: "One page of rules and the total." })
export class NotificationRulePage extends Page(NotificationRule) {}

export { NotificationChannel };
