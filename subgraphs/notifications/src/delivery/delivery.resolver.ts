import { crud, CrudResolver, PaginationInput } from "@opsconductor/kit/subgraph";
import { Ctx, FieldResolver, Root } from "type-graphql";
import { NotificationChannel } from "../channel/channel.type";
import type { NotificationsContext } from "../context";
import { NotificationRule } from "../rule/rule.type";
import { DeliveryFilter, NotificationDelivery, NotificationDeliveryPage } from "./delivery.type";

@CrudResolver(() => NotificationDelivery, (ctx: NotificationsContext) => ctx.deliveries, {
  deliveries: crud.list(() => NotificationDeliveryPage, "Delivery history, newest first; needs notifications:read.", { filter: () => DeliveryFilter, pagination: () => PaginationInput }),
  retryDelivery: crud.byId("Sends a FAILED (dead-lettered) delivery again; needs notifications:write.", (deliveries, ctx, id) => deliveries.retry(ctx, id)),
})
export class DeliveryResolver {
  @FieldResolver(() => NotificationRule, { nullable: true, description: "Null once the rule was deleted." })
  rule(@Ctx() ctx: NotificationsContext, @Root() delivery: NotificationDelivery): Promise<NotificationRule | null> | null {
    return delivery.ruleId ? ctx.loaders.rule.load(delivery.ruleId) : null;
  }

  @FieldResolver(() => NotificationChannel, { nullable: true, description: "Null once the channel was deleted." })
  channel(@Ctx() ctx: NotificationsContext, @Root() delivery: NotificationDelivery): Promise<NotificationChannel | null> | null {
    return delivery.channelId ? ctx.loaders.channel.load(delivery.channelId) : null;
  }
}
