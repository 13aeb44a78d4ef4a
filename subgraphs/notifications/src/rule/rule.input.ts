import { PartialInput } from "@opsconductor/kit/subgraph";
import { Field, ID, InputType } from "type-graphql";
import { Severity } from "./matching";

@InputType()
export class RuleConditionsInput {
  @Field(() => [String], { nullable: true }) statuses?: string[] | null;
  @Field(() => [ID], { nullable: true }) jobIds?: string[] | null;
  @Field(() => [String], { nullable: true }) targetTags?: string[] | null;
  @Field(() => [Severity], { nullable: true }) severities?: Severity[] | null;
}

@InputType()
export class CreateNotificationRuleInput {
  @Field() name!: string;
  @Field() eventPattern!: string;
  @Field(() => RuleConditionsInput, { nullable: true }) conditions?: RuleConditionsInput | null;
  @Field() subjectTemplate!: string;
  @Field() bodyTemplate!: string;
  @Field(() => [ID]) channelIds!: string[];
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
}

@InputType({ description: "Changes to a rule; what is given replaces the stored value." })
export class UpdateNotificationRuleInput extends PartialInput(CreateNotificationRuleInput) {}
