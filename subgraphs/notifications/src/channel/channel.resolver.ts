import { PaginationInput } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { NotificationsContext } from "../context";
import { CreateNotificationChannelInput, UpdateNotificationChannelInput } from "./channel.input";
import { ChannelTestResult, NotificationChannel, NotificationChannelPage } from "./channel.type";

/** GraphQL ↔ ChannelService / DeliveryService (test sends); the services check permissions. */
@Resolver(() => NotificationChannel)
export class ChannelResolver {
  @Query(() => NotificationChannelPage, { description: "Channels by name; needs notifications:read." })
  notificationChannels(@Ctx() ctx: NotificationsContext, @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput): Promise<NotificationChannelPage> {
    return ctx.channels.list(ctx, pagination);
  }

  @Query(() => NotificationChannel, { nullable: true })
  notificationChannel(@Ctx() ctx: NotificationsContext, @Arg("id", () => ID) id: string): Promise<NotificationChannel | null> {
    return ctx.channels.get(ctx, id);
  }

  @Mutation(() => NotificationChannel, { description: "Needs notifications:write; secrets are stored encrypted and never returned." })
  createNotificationChannel(@Ctx() ctx: NotificationsContext, @Arg("input", () => CreateNotificationChannelInput) input: CreateNotificationChannelInput): Promise<NotificationChannel> {
    return ctx.channels.create(ctx, input);
  }

  @Mutation(() => NotificationChannel, { description: "Needs notifications:write." })
  updateNotificationChannel(
    @Ctx() ctx: NotificationsContext,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateNotificationChannelInput) input: UpdateNotificationChannelInput,
  ): Promise<NotificationChannel> {
    return ctx.channels.update(ctx, id, input);
  }

  @Mutation(() => Boolean, { description: "Needs notifications:write; rules lose the channel, its deliveries stay in the history." })
  deleteNotificationChannel(@Ctx() ctx: NotificationsContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.channels.delete(ctx, id);
  }

  @Mutation(() => ChannelTestResult, { description: "Sends a test message through the channel now; needs notifications:write." })
  testNotificationChannel(@Ctx() ctx: NotificationsContext, @Arg("id", () => ID) id: string): Promise<ChannelTestResult> {
    return ctx.deliveries.test(ctx, id);
  }
}
