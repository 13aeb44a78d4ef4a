import { Page, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from "type-graphql";
import { ChannelType } from "../channel/channel.type";

export const DeliveryStatus = graphqlEnum("DeliveryStatus", ["PENDING", "SENT", "FAILED"], { description: "PENDING until sent; FAILED once every attempt failed (dead-lettered, lastError says why)." });
export type DeliveryStatus = EnumOf<typeof DeliveryStatus>;

@ObjectType({ description: "One (event, rule, channel): what was sent, how often it was tried and how it ended." })
export class NotificationDelivery {
  @Field(() => ID) id!: string;
  @Field(() => ID) eventId!: string;
  @Field() eventType!: string;
  @Field(() => ID, { nullable: true }) ruleId!: string | null;
  @Field(() => ID, { nullable: true }) channelId!: string | null;
  @Field(() => ChannelType) channelType!: ChannelType;
  @Field(() => DeliveryStatus) status!: DeliveryStatus;
  @Field(() => Int, { description: "Attempts of the current round." }) attempts!: number;
  @Field(() => Int, { description: "Times it was sent again after FAILED (retryDelivery)." }) retries!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field() subject!: string;
  @Field() body!: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) sentAt!: Date | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

@ObjectType({ description: "One page of deliveries (newest first) and the total." })
export class NotificationDeliveryPage extends Page(NotificationDelivery) {}

@InputType()
export class DeliveryFilter {
  @Field(() => DeliveryStatus, { nullable: true }) status?: DeliveryStatus | null;
  @Field(() => ID, { nullable: true }) ruleId?: string | null;
  @Field(() => ID, { nullable: true }) channelId?: string | null;
  @Field(() => ID, { nullable: true }) eventId?: string | null;
  @Field(() => String, { nullable: true }) eventType?: string | null;
}
