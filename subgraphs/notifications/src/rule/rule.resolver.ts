import { crud, CrudResolver } from "@opsconductor/kit/subgraph";
import { Ctx, FieldResolver, Root } from "type-graphql";
import { NotificationChannel } from "../channel/channel.type";
import type { NotificationsContext } from "../context";
import { CreateNotificationRuleInput, UpdateNotificationRuleInput } from "./rule.input";
import { NotificationRule, NotificationRulePage } from "./rule.type";

@CrudResolver(() => NotificationRule, (ctx: NotificationsContext) => ctx.rules, {
  notificationRules: crud.list(() => NotificationRulePage, "Rules by name; needs notifications:read."),
  notificationRule: crud.get(),
  createNotificationRule: crud.create(() => CreateNotificationRuleInput, "Needs notifications:write; a template variable the matched events lack is refused."),
  updateNotificationRule: crud.update(() => UpdateNotificationRuleInput, "Needs notifications:write."),
  setNotificationRuleEnabled: crud.setEnabled("Enables or disables a rule; needs notifications:write.", (rules, ctx, id, enabled) => rules.update(ctx, id, { enabled })),
  deleteNotificationRule: crud.remove("Needs notifications:write; its deliveries stay in the history."),
})
export class RuleResolver {
  @FieldResolver(() => [NotificationChannel])
  async channels(@Ctx() ctx: NotificationsContext, @Root() rule: NotificationRule): Promise<NotificationChannel[]> {
    const channels = await ctx.loaders.channel.loadMany(rule.channelIds);
    return channels.filter((channel): channel is NotificationChannel => Boolean(channel) && !(channel instanceof Error));
  }
}
