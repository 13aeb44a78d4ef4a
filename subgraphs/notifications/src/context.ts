import { byIdLoader, type RequestContext } from "@opsconductor/kit/subgraph";
import type { ChannelService } from "./channel/channel.service";
import type { NotificationChannel } from "./channel/channel.type";
import type { DeliveryService } from "./delivery/delivery.service";
import type { InboxService } from "./inbox/inbox.service";
import type { NotificationRule } from "./rule/rule.type";
import type { RuleService } from "./rule/rule.service";

export interface NotificationsServices {
  channels: ChannelService;
  rules: RuleService;
  deliveries: DeliveryService;
  inbox: InboxService;
}

/** Per request: the services and fresh loaders (a page of rules costs one channel query, not one per rule). */
export interface NotificationsContext extends RequestContext, NotificationsServices {
  loaders: {
    channel: ReturnType<typeof byIdLoader<NotificationChannel>>;
    rule: ReturnType<typeof byIdLoader<NotificationRule>>;
  };
}

export function createContext(base: RequestContext, services: NotificationsServices): NotificationsContext {
  return {
    ...base,
    ...services,
    loaders: {
      channel: byIdLoader((ids) => services.channels.byIds(ids)),
      rule: byIdLoader((ids) => services.rules.byIds(ids)),
    },
  };
}
