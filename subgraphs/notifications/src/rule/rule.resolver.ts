import { PaginationInput } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { NotificationChannel } from "../channel/channel.type";
import type { NotificationsContext } from "../context";
import { CreateNotificationRuleInput, UpdateNotificationRuleInput } from "./rule.input";
import { NotificationRule, NotificationRulePage } from "./rule.type";

@Resolver(() => NotificationRule)
export class RuleResolver {
  @Query(() => NotificationRulePage, { description: "Rules by name; needs notifications:read." })
  notificationRules(@Ctx() ctx: NotificationsContext, @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput): Promise<NotificationRulePage> {
    return ctx.rules.list(ctx, pagination);
  }

  @Query(() => NotificationRule, { nullable: true })
  notificationRule(@Ctx() ctx: NotificationsContext, @Arg("id", () => ID) id: string): Promise<NotificationRule | null> {
    return ctx.rules.get(ctx, id);
  }

  @Mutation(() => NotificationRule, { description: "Needs notifications:write; a template variable the matched events lack is refused." })
  createNotificationRule(@Ctx() ctx: NotificationsContext, @Arg("input", () => CreateNotificationRuleInput) input: CreateNotificationRuleInput): Promise<NotificationRule> {
    return ctx.rules.create(ctx, input);
  }

  @Mutation(() => NotificationRule, { description: "Needs notifications:write." })
  updateNotificationRule(@Ctx() ctx: NotificationsContext, @Arg("id", () => ID) id: string, @Arg("input", () => UpdateNotificationRuleInput) input: UpdateNotificationRuleInput): Promise<NotificationRule> {
    return ctx.rules.update(ctx, id, input);
  }

  @Mutation(() => NotificationRule, { description: "Enables or disables a rule; needs notifications:write." })
  setNotificationRuleEnabled(@Ctx() ctx: NotificationsContext, @Arg("id", () => ID) id: string, @Arg("enabled") enabled: boolean): Promise<NotificationRule> {
    return ctx.rules.update(ctx, id, { enabled });
  }

  @Mutation(() => Boolean, { description: "Needs notifications:write; its deliveries stay in the history." })
  deleteNotificationRule(@Ctx() ctx: NotificationsContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.rules.delete(ctx, id);
  }

  @FieldResolver(() => [NotificationChannel])
  async channels(@Ctx() ctx: NotificationsContext, @Root() rule: NotificationRule): Promise<NotificationChannel[]> {
    const channels = await ctx.loaders.channel.loadMany(rule.channelIds);
    return channels.filter((channel): channel is NotificationChannel => Boolean(channel) && !(channel instanceof Error));
  }
}
