import type { EventHandler, EventHandlers } from "@opsconductor/kit/subgraph";
import type { DeliveryService } from "../delivery/delivery.service";
import type { Prisma } from "../generated/prisma/client";
import { EVENT_TYPES } from "../rule/matching";

/**
 * Every event type of the registry is consumed (rules may match any of them): each becomes the
 * deliveries of the rules it matches, in the consumer's transaction (idempotent by event id).
 */
export function eventHandlers(deliveries: DeliveryService): EventHandlers {
  // The consumer's transaction is the Prisma interactive transaction of this service's client.
  const handler: EventHandler = async (event, tx) => {
    await deliveries.onEvent(event, tx as unknown as Prisma.TransactionClient);
  };
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, handler])) as EventHandlers;
}
