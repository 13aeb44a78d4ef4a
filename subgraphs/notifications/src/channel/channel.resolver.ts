import { crud, CrudResolver } from "@opsconductor/kit/subgraph";
import type { NotificationsContext } from "../context";
import { CreateNotificationChannelInput, UpdateNotificationChannelInput } from "./channel.input";
import { ChannelTestResult, NotificationChannel, NotificationChannelPage } from "./channel.type";

/** GraphQL ↔ ChannelService / DeliveryService (test sends); the services check permissions. */
@CrudResolver(() => NotificationChannel, (ctx: NotificationsContext) => ctx.channels, {
  notificationChannels: crud.list(() => NotificationChannelPage, "Channels by name; needs notifications:read."),
  notificationChannel: crud.get(),
  createNotificationChannel: crud.create(() => CreateNotificationChannelInput, "Needs notifications:write; secrets are stored encrypted and never returned."),
  updateNotificationChannel: crud.update(() => UpdateNotificationChannelInput, "Needs notifications:write."),
  deleteNotificationChannel: crud.remove("Needs notifications:write; rules lose the channel, its deliveries stay in the history."),
  testNotificationChannel: crud.byId(
    "Sends a test message through the channel now; needs notifications:write.",
    (_channels, ctx: NotificationsContext, id) => ctx.deliveries.test(ctx, id),
    () => ChannelTestResult,
  ),
})
export class ChannelResolver {}
