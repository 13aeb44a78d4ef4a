import { eventSchemas, type EventType } from "@opsconductor/kit";
import type { EventHandlers } from "@opsconductor/kit/subgraph";
import type { AuditService } from "../audit/audit.service";

/** Every registered event type goes into the trail (the queue is bound to `#`; unknown types dead-letter). */
export function auditHandlers(audit: AuditService): EventHandlers {
  const handlers: EventHandlers = {};
  for (const type of Object.keys(eventSchemas) as EventType[]) (handlers as Record<string, unknown>)[type] = (event: never, tx: never) => audit.record(event, tx);
  return handlers;
}
