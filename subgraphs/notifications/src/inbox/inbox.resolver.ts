import { PaginationInput, servedByGateway } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { NotificationsContext } from "../context";
import { Notification, NotificationInbox, NotificationPage } from "./notification.type";

/** The caller's own inbox; a signed-in user needs no permission for it. */
@Resolver(() => Notification)
export class InboxResolver {
  @Query(() => NotificationPage, { description: "The caller's in-app notifications, newest first." })
  notifications(
    @Ctx() ctx: NotificationsContext,
    @Arg("unreadOnly", () => Boolean, { nullable: true }) unreadOnly?: boolean,
    @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput,
  ): Promise<NotificationPage> {
    return ctx.inbox.list(ctx, unreadOnly ?? false, pagination);
  }

  @Query(() => Notification, { nullable: true, description: "One of the caller's notifications; null for anyone else's." })
  notification(@Ctx() ctx: NotificationsContext, @Arg("id", () => ID) id: string): Promise<Notification | null> {
    return ctx.inbox.get(ctx, id);
  }

  @Query(() => Int)
  unreadNotificationCount(@Ctx() ctx: NotificationsContext): Promise<number> {
    return ctx.inbox.unreadCount(ctx);
  }

  @Query(() => NotificationInbox, { description: "The caller's inbox (FORBIDDEN for another user's)." })
  notificationInbox(@Ctx() ctx: NotificationsContext, @Arg("userId", () => ID) userId: string): Promise<NotificationInbox> {
    return ctx.inbox.inbox(ctx, userId);
  }

  @Mutation(() => Notification)
  markNotificationRead(@Ctx() ctx: NotificationsContext, @Arg("id", () => ID) id: string): Promise<Notification> {
    return ctx.inbox.markRead(ctx, id);
  }

  @Mutation(() => Int, { description: "Marks all of the caller's notifications read; returns how many were unread." })
  markAllNotificationsRead(@Ctx() ctx: NotificationsContext): Promise<number> {
    return ctx.inbox.markAllRead(ctx);
  }

  @Subscription(() => Notification, { subscribe: servedByGateway, description: "Each new in-app notification of this user (the caller's own id: `me { id }`)." })
  notificationAdded(@Root() notification: Notification, @Arg("userId", () => ID) _userId: string): Notification {
    return notification;
  }
}
