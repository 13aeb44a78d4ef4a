import { Page } from "@opsconductor/kit/subgraph";
import { Field, GraphQLISODateTime, ID, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "An in-app notification in a user's inbox." })
export class Notification {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field() body!: string;
  @Field() eventType!: string;
  @Field(() => ID, { nullable: true }) eventId!: string | null;
  @Field(() => ID, { nullable: true }) deliveryId!: string | null;
  @Field() read!: boolean;
  @Field(() => GraphQLISODateTime, { nullable: true }) readAt!: Date | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType({ description: "One page of the caller's notifications (newest first) and the total." })
export class NotificationPage extends Page(Notification) {}

@ObjectType({ description: "A user's inbox (the caller's own only)." })
export class NotificationInbox {
  @Field(() => ID) userId!: string;
  @Field(() => Int) unreadCount!: number;
}
