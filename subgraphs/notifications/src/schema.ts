import type { FederatedSchemaOptions } from "@opsconductor/kit/subgraph";
import { UserReference } from "@opsconductor/kit/subgraph";
import { ChannelResolver } from "./channel/channel.resolver";
import { DeliveryResolver } from "./delivery/delivery.resolver";
import { InboxResolver } from "./inbox/inbox.resolver";
import { RuleResolver } from "./rule/rule.resolver";

/** Everything that shapes the notifications subgraph's schema (also used to print its SDL for composition). */
export const notificationsSchema: FederatedSchemaOptions = {
  resolvers: [ChannelResolver, RuleResolver, DeliveryResolver, InboxResolver],
  orphanedTypes: [UserReference],
};
