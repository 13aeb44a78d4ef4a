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

const credentialSnapshot = z.object({
  id: z.string().uuid(),
  name: z.string(),
  type: z.string(),
  username: z.string().nullable(),
  /** Which secret fields are set (names only). */
  secretFields: z.array(z.string()),
  publicKeyFingerprint: z.string().nullable(),
});
const methodSnapshot = z.object({
  id: z.string().uuid(),
  targetId: z.string().uuid(),
  type: z.string(),
  port: z.number().int(),
  isPrimary: z.boolean(),
  credentialId: z.string().uuid().nullable(),
});
const hostKeyEvent = z.object({
  targetId: z.string().uuid(),
  methodId: z.string().uuid(),
  address: z.string(),
  port: z.number().int(),
  expectedFingerprint: z.string().nullable(),
  presentedFingerprint: z.string(),
});
const deviceTypeSnapshot = z.object({ id: z.string().uuid(), key: z.string(), name: z.string(), category: z.string() });
const runSnapshot = z.object({
  id: z.string().uuid(),
  jobId: z.string().uuid(),
  jobName: z.string(),
  jobVersion: z.number().int(),
  number: z.number().int(),
  trigger: z.enum(["MANUAL", "SCHEDULE", "API"]),
  triggeredById: z.string().uuid().nullable(),
  scheduleId: z.string().uuid().nullable(),
});
const runCounts = z.record(z.string(), z.number().int());
const groupSnapshot = z.object({ id: z.string().uuid(), name: z.string(), filter: z.record(z.string(), z.unknown()) });
/** A job as events describe it: names and counts, never parameter values. */
const jobSnapshot = z.object({
  id: z.string().uuid(),
  name: z.string(),
  version: z.number().int(),
  isTemplate: z.boolean(),
  stepCount: z.number().int(),
  parameterNames: z.array(z.string()),
});
/** A schedule as events describe it: its timing, never its parameter values (names only). */
const scheduleSnapshot = z.object({
  id: z.string().uuid(),
  jobId: z.string().uuid(),
  kind: z.enum(["CRON", "ONCE", "INTERVAL"]),
  cron: z.string().nullable(),
  timezone: z.string(),
  runAt: z.string().nullable(),
  intervalSeconds: z.number().int().nullable(),
  enabled: z.boolean(),
  parameterNames: z.array(z.string()),
  blackoutWindows: z.number().int(),
});
/** A notification channel as events describe it: which secret is set, never its value. */
const channelSnapshot = z.object({ id: z.string().uuid(), name: z.string(), type: z.string(), enabled: z.boolean(), hasSecret: z.boolean() });
const ruleSnapshot = z.object({ id: z.string().uuid(), name: z.string(), eventPattern: z.string(), enabled: z.boolean(), channelIds: z.array(z.string().uuid()) });
const occurrenceEvent = z.object({ scheduleId: z.string().uuid(), jobId: z.string().uuid(), scheduledFor: z.string() });

/** A scan as events describe it: what it covers (audited), never results. */
const scanSnapshot = z.object({
  id: z.string().uuid(),
  name: z.string(),
  ranges: z.array(z.string()),
  exclude: z.array(z.string()),
  ports: z.string(),
  portCount: z.number().int(),
  hostsTotal: z.number().int(),
});

/**
 * A refused operation (FORBIDDEN), recorded by the kit for every service as `<service>.permission.denied`
 * (see subgraph-server's denial hook): who, which operation and field, which permissions were missing.
 */
const permissionDenied = z.object({
  operationName: z.string().nullable(),
  operationType: z.string().nullable(),
  field: z.string().nullable(),
  path: z.array(z.union([z.string(), z.number()])),
  requiredPermissions: z.array(z.string()),
  requestId: z.string().nullable(),
});
export const DENIAL_SERVICES = ["auth", "users", "targets", "jobs", "executions", "discovery", "analytics", "system", "audit", "notifications"] as const;
type DenialEventType = `${(typeof DENIAL_SERVICES)[number]}.permission.denied`;
const denialSchemas = Object.fromEntries(DENIAL_SERVICES.map((service) => [`${service}.permission.denied`, permissionDenied])) as Record<DenialEventType, typeof permissionDenied>;
export const permissionDeniedEvent = (service: string): DenialEventType | undefined =>
  (DENIAL_SERVICES as readonly string[]).includes(service) ? (`${service}.permission.denied` as DenialEventType) : undefined;

export const eventSchemas = {
  ...denialSchemas,
  /** Retention applied (by `purgeAuditEvents` or the audit worker's daily schedule): rows removed, none named. */
  "audit.events.purged": z.object({ retentionDays: z.number().int(), purged: z.number().int(), trigger: z.enum(["MANUAL", "SCHEDULE"]) }),
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
  "targets.target.restored": targetSnapshot,
  // Credentials: names of secret fields only, never their values.
  "targets.credential.created": credentialSnapshot,
  "targets.credential.updated": credentialSnapshot.extend({ changed: z.array(z.string()) }),
  "targets.credential.deleted": credentialSnapshot.pick({ id: true, name: true, type: true }),
  "targets.credential.used": z.object({
    credentialId: z.string().uuid(),
    /** Null when no target was involved (a discovery scan's SNMP probe: then scanId). */
    targetId: z.string().uuid().nullable(),
    methodId: z.string().uuid().nullable(),
    purpose: z.enum(["connection-test", "execution", "discovery-scan"]),
    scanId: z.string().uuid().nullable().optional(),
    requestId: z.string().nullable(),
  }),
  "targets.keys.rotated": z.object({ version: z.number().int(), resealed: z.number().int(), failed: z.number().int() }),
  "targets.method.added": methodSnapshot,
  "targets.method.updated": methodSnapshot.extend({ changed: z.array(z.string()) }),
  "targets.method.removed": methodSnapshot.pick({ id: true, targetId: true, type: true }),
  "targets.connection.tested": z.object({
    targetId: z.string().uuid(),
    methodId: z.string().uuid().nullable(),
    ok: z.boolean(),
    latencyMs: z.number().int().nullable(),
    errorCategory: z.string().nullable(),
    healthStatus: z.string(),
    batchId: z.string().uuid().nullable(),
  }),
  "targets.hostkey.mismatched": hostKeyEvent,
  "targets.hostkey.accepted": hostKeyEvent,
  "targets.batch.started": z.object({ id: z.string().uuid(), total: z.number().int() }),
  /** A batch whose process died or stopped mid-way, finished by the reaper: `interrupted` targets were never tested. */
  "targets.batch.interrupted": z.object({ id: z.string().uuid(), total: z.number().int(), interrupted: z.number().int(), reason: z.string() }),
  "targets.device-type.created": deviceTypeSnapshot,
  "targets.device-type.updated": deviceTypeSnapshot.extend({ changed: z.array(z.string()) }),
  "targets.group.created": groupSnapshot,
  "targets.group.updated": groupSnapshot,
  "targets.group.deleted": groupSnapshot.pick({ id: true, name: true }),
  "targets.import.completed": z.object({ created: z.number().int(), format: z.string() }),
  "jobs.job.created": jobSnapshot.extend({ clonedFromId: z.string().uuid().nullable() }),
  "jobs.job.updated": jobSnapshot.extend({ changed: z.array(z.string()) }),
  "jobs.job.deleted": jobSnapshot.pick({ id: true, name: true, version: true }),
  "jobs.job.restored": jobSnapshot.pick({ id: true, name: true, version: true }),
  "jobs.schedule.created": scheduleSnapshot,
  "jobs.schedule.updated": scheduleSnapshot.extend({ changed: z.array(z.string()) }),
  "jobs.schedule.deleted": scheduleSnapshot.pick({ id: true, jobId: true }),
  /** A tick that asked executions for a run: STARTED with the run, or FAILED with the reason. */
  "jobs.schedule.fired": occurrenceEvent.extend({
    outcome: z.enum(["STARTED", "FAILED"]),
    runId: z.string().nullable(),
    runNumber: z.number().int().nullable(),
    reason: z.string().nullable(),
  }),
  /** A blackout window for every schedule, created or removed by an administrator. */
  "jobs.blackout.created": z.object({ id: z.string().uuid(), kind: z.enum(["DATE_RANGE", "CRON"]), label: z.string().nullable() }),
  "jobs.blackout.deleted": z.object({ id: z.string().uuid(), kind: z.enum(["DATE_RANGE", "CRON"]), label: z.string().nullable() }),
  /** A tick inside a blackout window: no run. */
  "jobs.schedule.skipped": occurrenceEvent.extend({ reason: z.string() }),
  // Runs: ids, names and statuses only; never parameter values (SECRET ones least of all) or output.
  "executions.run.started": runSnapshot.extend({ targetIds: z.array(z.string().uuid()), rerunOfId: z.string().uuid().nullable() }),
  "executions.run.cancelled": runSnapshot.pick({ id: true, jobId: true, number: true }),
  "executions.run.finished": runSnapshot.extend({
    status: z.enum(["SUCCEEDED", "FAILED", "PARTIAL", "CANCELLED", "TIMED_OUT"]),
    counts: runCounts,
    durationMs: z.number().int().nullable(),
  }),
  "executions.target.finished": z.object({
    runId: z.string().uuid(),
    targetId: z.string().uuid(),
    targetName: z.string(),
    status: z.enum(["SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "SKIPPED"]),
    attempt: z.number().int(),
    exitCode: z.number().int().nullable(),
  }),
  "notifications.channel.created": channelSnapshot,
  "notifications.channel.updated": channelSnapshot.extend({ changed: z.array(z.string()) }),
  "notifications.channel.deleted": channelSnapshot.pick({ id: true, name: true, type: true }),
  /** A test message sent through a channel (its outcome; never the message's secret). */
  "notifications.channel.tested": channelSnapshot.pick({ id: true, name: true, type: true }).extend({ ok: z.boolean() }),
  "notifications.rule.created": ruleSnapshot,
  "notifications.rule.updated": ruleSnapshot.extend({ changed: z.array(z.string()) }),
  "notifications.rule.deleted": ruleSnapshot.pick({ id: true, name: true }),
  /** A FAILED delivery sent again by an operator (a new round of attempts). */
  "notifications.delivery.retried": z.object({ id: z.string().uuid(), ruleId: z.string().uuid().nullable(), channelId: z.string().uuid().nullable(), retries: z.number().int() }),
  /** In-app notifications marked read by their owner (one, or all at once). */
  "notifications.inbox.read": z.object({ userId: z.string().uuid(), count: z.number().int(), all: z.boolean() }),
  // Discovery: ranges and counts, never banners' contents beyond the service names.
  "discovery.scan.started": scanSnapshot,
  "discovery.scan.finished": scanSnapshot.extend({
    status: z.enum(["COMPLETED", "FAILED", "CANCELLED"]),
    hostsDone: z.number().int(),
    hostsUp: z.number().int(),
    openPorts: z.number().int(),
    durationMs: z.number().int().nullable(),
  }),
  "discovery.host.found": z.object({
    scanId: z.string().uuid(),
    hostId: z.string().uuid(),
    address: z.string(),
    hostname: z.string().nullable(),
    openPorts: z.array(z.number().int()),
    osFamily: z.string(),
  }),
  "discovery.host.imported": z.object({
    scanId: z.string().uuid(),
    hostId: z.string().uuid(),
    address: z.string(),
    targetId: z.string().uuid(),
  }),
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
