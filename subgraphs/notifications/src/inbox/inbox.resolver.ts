import { crud, CrudResolver, PaginationInput, servedByGateway } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, ID, Int, Mutation, Query, Root, Subscription } from "type-graphql";
import type { NotificationsContext } from "../context";
import type { InboxService } from "./inbox.service";
import { Notification, NotificationInbox, NotificationPage } from "./notification.type";

/** The caller's own inbox; a signed-in user needs no permission for it. */
@CrudResolver(() => Notification, (ctx: NotificationsContext) => ctx.inbox, {
  notifications: crud.list(
    () => NotificationPage,
    "The caller's in-app notifications, newest first.",
    { unreadOnly: () => Boolean, pagination: () => PaginationInput },
    (inbox: InboxService, ctx: NotificationsContext, unreadOnly?: boolean, pagination?: PaginationInput) => inbox.list(ctx, unreadOnly ?? false, pagination),
  ),
  notification: crud.get("One of the caller's notifications; null for anyone else's."),
  markNotificationRead: crud.byId(undefined, (inbox, ctx, id) => inbox.markRead(ctx, id)),
})
export class InboxResolver {
  @Query(() => Int)
  unreadNotificationCount(@Ctx() ctx: NotificationsContext): Promise<number> {
    return ctx.inbox.unreadCount(ctx);
  }

  @Query(() => NotificationInbox, { description: "The caller's inbox (FORBIDDEN for another user's)." })
  notificationInbox(@Ctx() ctx: NotificationsContext, @Arg("userId", () => ID) userId: string): Promise<NotificationInbox> {
    return ctx.inbox.inbox(ctx, userId);
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
