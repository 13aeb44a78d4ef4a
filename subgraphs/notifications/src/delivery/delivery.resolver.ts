import { PaginationInput } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { NotificationChannel } from "../channel/channel.type";
import type { NotificationsContext } from "../context";
import { NotificationRule } from "../rule/rule.type";
import { DeliveryFilter, NotificationDelivery, NotificationDeliveryPage } from "./delivery.type";

@Resolver(() => NotificationDelivery)
export class DeliveryResolver {
  @Query(() => NotificationDeliveryPage, { description: "Delivery history, newest first; needs notifications:read." })
  deliveries(
    @Ctx() ctx: NotificationsContext,
    @Arg("filter", () => DeliveryFilter, { nullable: true }) filter?: DeliveryFilter,
    @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput,
  ): Promise<NotificationDeliveryPage> {
    return ctx.deliveries.list(ctx, filter, pagination);
  }

  @Mutation(() => NotificationDelivery, { description: "Sends a FAILED (dead-lettered) delivery again; needs notifications:write." })
  retryDelivery(@Ctx() ctx: NotificationsContext, @Arg("id", () => ID) id: string): Promise<NotificationDelivery> {
    return ctx.deliveries.retry(ctx, id);
  }

  @FieldResolver(() => NotificationRule, { nullable: true, description: "Null once the rule was deleted." })
  rule(@Ctx() ctx: NotificationsContext, @Root() delivery: NotificationDelivery): Promise<NotificationRule | null> | null {
    return delivery.ruleId ? ctx.loaders.rule.load(delivery.ruleId) : null;
  }

  @FieldResolver(() => NotificationChannel, { nullable: true, description: "Null once the channel was deleted." })
  channel(@Ctx() ctx: NotificationsContext, @Root() delivery: NotificationDelivery): Promise<NotificationChannel | null> | null {
    return delivery.channelId ? ctx.loaders.channel.load(delivery.channelId) : null;
  }
}
