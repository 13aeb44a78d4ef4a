import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Actor } from "./context";

/**
 * The event registry: one map from event name to the zod schema of its `data`. Payloads are
 * validated when written to the outbox and again when consumed. Secrets never appear here.
 */
const userSnapshot = z.object({
  id: z.string().uuid(),
  username: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  isActive: z.boolean(),
});
const targetSnapshot = z.object({
  id: z.string().uuid(),
  name: z.string(),
  address: z.string(),
  port: z.number().int(),
  osType: z.string(),
  environment: z.string(),
  tags: z.array(z.string()),
});

export const eventSchemas = {
  "auth.login.succeeded": z.object({ userId: z.string().uuid(), username: z.string() }),
  "auth.login.failed": z.object({ username: z.string(), reason: z.enum(["invalid_credentials", "locked", "inactive"]) }),
  "auth.logout": z.object({ userId: z.string().uuid(), allSessions: z.boolean() }),
  "auth.password.changed": z.object({ userId: z.string().uuid() }),
  "auth.refresh.reused": z.object({ userId: z.string().uuid(), familyId: z.string().uuid() }),
  "users.user.created": userSnapshot,
  "users.user.updated": userSnapshot.extend({ changed: z.array(z.string()) }),
  "users.user.deactivated": userSnapshot,
  "users.user.activated": userSnapshot,
  "users.user.deleted": z.object({ id: z.string().uuid(), username: z.string() }),
  "targets.target.created": targetSnapshot,
  "targets.target.updated": targetSnapshot.extend({ changed: z.array(z.string()) }),
  "targets.target.deleted": targetSnapshot.pick({ id: true, name: true, address: true, port: true }),
} as const;

export type EventType = keyof typeof eventSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;

export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  occurredAt: string;
  actor: Actor;
  subject: { type: string; id: string };
  data: EventData<T>;
}

const envelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string(),
  occurredAt: z.string(),
  actor: z.object({
    userId: z.string().nullable(),
    username: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  }),
  subject: z.object({ type: z.string(), id: z.string() }),
  data: z.unknown(),
});

export const SYSTEM_ACTOR: Actor = { userId: null, username: "system", ip: null, userAgent: null };

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventSchemas, type);
}

export function createEnvelope<T extends EventType>(
  type: T,
  input: { actor: Actor; subject: { type: string; id: string }; data: EventData<T> },
): EventEnvelope<T> {
  const data = eventSchemas[type].parse(input.data) as EventData<T>;
  return { id: randomUUID(), type, occurredAt: new Date().toISOString(), actor: input.actor, subject: input.subject, data };
}

/** Validates an incoming message body against the envelope and its type's payload schema. */
export function parseEnvelope(body: unknown): EventEnvelope {
  const envelope = envelopeSchema.parse(body);
  if (!isEventType(envelope.type)) throw new Error(`unknown event type ${envelope.type}`);
  const data = eventSchemas[envelope.type].parse(envelope.data);
  return { ...envelope, type: envelope.type, data } as EventEnvelope;
}
