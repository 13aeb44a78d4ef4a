import { randomUUID } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import type { EventEnvelope, Logger } from "@opsconductor/kit";
import { badInput, emitEvent, isUuid, notFound, pageArgs, requirePermission, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Channel as ChannelRow, Prisma, PrismaClient } from "../generated/prisma/client";
import type { ChannelService } from "../channel/channel.service";
import { ChannelType, type ChannelTestResult } from "../channel/channel.type";
import type { EmailConfig, InAppConfig, WebhookConfig } from "../channel/channel.validation";
import { SendError, sendEmail, sendSlack, sendWebhook, type OutgoingMessage } from "../channel/senders";
import type { InboxService } from "../inbox/inbox.service";
import { matchesPattern, meetsConditions, render, severityOf, type RuleConditions } from "../rule/matching";
import { DeliveryStatus, type DeliveryFilter, type NotificationDelivery, type NotificationDeliveryPage } from "./delivery.type";
import type { DeliveryQueue } from "./queue";

type Tx = Prisma.TransactionClient;

/** A failure no retry can fix (channel deleted or disabled, its secret unreadable): dead-lettered at once. */
class PermanentError extends SendError {}

export interface DeliveryConfig {
  maxAttempts: number;
  sendTimeoutMs: number;
}

/** Which of these targets carry all of these tags (asked of the targets service). */
export type TaggedTargets = (ids: string[], tags: string[]) => Promise<string[]>;

const view = (row: NotificationDelivery) => row;

/** Job states in which BullMQ still holds a delivery (it will run or is running). */
const IN_QUEUE = new Set(["waiting", "delayed", "active", "prioritized", "waiting-children"]);
/** How the reaper's last errors begin. */
const REAPER = "reaper: ";

/**
 * Deliveries: created by the event consumer (one per event, rule and channel, in the consumer's
 * transaction, so a redelivered event adds none), handed to the BullMQ queue by the worker's
 * dispatcher once committed, and sent by the worker with retries; the row is the history.
 */
export class DeliveryService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly channels: ChannelService,
    private readonly inbox: InboxService,
    private readonly queue: () => DeliveryQueue,
    private readonly config: DeliveryConfig,
    private readonly taggedTargets: TaggedTargets,
    private readonly logger: Logger,
  ) {}

  /** The consumer's effect: a PENDING delivery for each matching enabled rule and each of its enabled channels. */
  async onEvent(event: EventEnvelope, tx: Tx): Promise<number> {
    // Every event of the platform comes through here: one statement for the enabled rules with their
    // enabled channels (the relation query took three, and most of this consumer's CPU).
    const rules = await tx.$queryRawUnsafe<
      Array<{ id: string; name: string; eventPattern: string; conditions: unknown; subjectTemplate: string; bodyTemplate: string; channels: Array<{ id: string; type: ChannelType }> }>
    >(
      `SELECT r.id::text AS "id", r.name, r.event_pattern AS "eventPattern", r.conditions, r.subject_template AS "subjectTemplate", r.body_template AS "bodyTemplate",
              coalesce(json_agg(json_build_object('id', c.id::text, 'type', c.type::text)) FILTER (WHERE c.enabled), '[]'::json) AS channels
         FROM rules r LEFT JOIN rule_channels rc ON rc.rule_id = r.id LEFT JOIN channels c ON c.id = rc.channel_id
        WHERE r.enabled GROUP BY r.id`,
    );
    const rows: Prisma.DeliveryCreateManyInput[] = [];
    const payload = {
      id: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      severity: severityOf(event),
      actor: { userId: event.actor.userId, username: event.actor.username },
      subject: event.subject,
      data: event.data,
    } as unknown as Prisma.InputJsonValue;
    for (const rule of rules) {
      if (!matchesPattern(rule.eventPattern, event.type)) continue;
      if (!(await meetsConditions(event, rule.conditions as unknown as RuleConditions, this.taggedTargets))) continue;
      const subject = render(rule.subjectTemplate, event, rule.name).slice(0, 1_000);
      const body = render(rule.bodyTemplate, event, rule.name).slice(0, 20_000);
      for (const channel of rule.channels) {
        rows.push({ eventId: event.id, eventType: event.type, ruleId: rule.id, channelId: channel.id, channelType: channel.type, subject, body, payload });
      }
    }
    if (!rows.length) return 0;
    const { count } = await tx.delivery.createMany({ data: rows, skipDuplicates: true });
    return count;
  }

  /** Hands committed, not yet queued deliveries to the queue (the job id is the delivery id: a repeat adds nothing). */
  async dispatchPending(limit = 200): Promise<number> {
    const rows = await this.prisma.delivery.findMany({ where: { status: "PENDING", queuedAt: null }, select: { id: true, retries: true }, orderBy: { createdAt: "asc" }, take: limit });
    if (!rows.length) return 0;
    const ids = rows.map((row) => row.id);
    await this.queue().add(rows);
    await this.prisma.delivery.updateMany({ where: { id: { in: ids } }, data: { queuedAt: new Date() } });
    return ids.length;
  }

  /**
   * The reaper: a delivery PENDING and queued more than `stuckAfterMs` ago whose queue job is gone
   * (lost or removed from Redis) or finished (BullMQ's own attempts ran out, or a crash between a
   * send and its row update) would stay PENDING forever. It is queued again while it has send attempts
   * left, else FAILED; either way `lastError` says what happened. Jobs still waiting, delayed or
   * active are left alone. The row update is conditional (status and queuedAt unchanged), so replicas
   * running this side by side act on a delivery once.
   */
  async reapStuck(stuckAfterMs: number, limit = 100): Promise<{ requeued: number; failed: number }> {
    const cutoff = new Date(Date.now() - stuckAfterMs);
    const rows = await this.prisma.delivery.findMany({
      where: { status: "PENDING", queuedAt: { lt: cutoff } },
      select: { id: true, retries: true, attempts: true, queuedAt: true, lastError: true },
      orderBy: { queuedAt: "asc" },
      take: limit,
    });
    const outcome = { requeued: 0, failed: 0 };
    for (const row of rows) {
      const jobId = `${row.id}.${row.retries}`;
      const state = await this.queue().state(jobId);
      if (IN_QUEUE.has(state)) continue;
      const why = state === "unknown" ? "its queue job was lost" : `its queue job ended (${state}) while the delivery was still pending`;
      const final = row.attempts >= this.config.maxAttempts;
      const sendError = row.lastError?.startsWith(REAPER) ? /last send error: (.*)\)$/.exec(row.lastError)?.[1] : row.lastError;
      const lastError = `${REAPER}${why}; ${final ? "no send attempt left" : "queued again"}${sendError ? ` (last send error: ${sendError})` : ""}`.slice(0, 2_000);
      if (!final && state !== "unknown") await this.queue().remove(jobId);
      const { count } = await this.prisma.delivery.updateMany({
        where: { id: row.id, status: "PENDING", queuedAt: row.queuedAt },
        data: final ? { status: "FAILED", lastError } : { queuedAt: null, lastError },
      });
      if (!count) continue;
      outcome[final ? "failed" : "requeued"] += 1;
      this.logger.warn(final ? "stuck delivery failed by the reaper" : "stuck delivery queued again by the reaper", { deliveryId: row.id, state, attempts: row.attempts });
    }
    return outcome;
  }

  /**
   * One send attempt of a delivery (the worker's processor). Throws to have BullMQ retry with back-off;
   * after the last allowed attempt the delivery is FAILED with its last error and the job is not retried.
   */
  async attempt(deliveryId: string): Promise<"sent" | "skipped"> {
    const row = await this.prisma.delivery.findUnique({ where: { id: deliveryId }, include: { channel: true, rule: { select: { createdById: true } } } });
    if (!row || row.status !== "PENDING") return "skipped";
    const attempts = row.attempts + 1;
    await this.prisma.delivery.update({ where: { id: row.id }, data: { attempts } });
    try {
      if (!row.channel) throw new PermanentError("the channel was deleted");
      if (!row.channel.enabled) throw new PermanentError("the channel is disabled");
      const fallback = row.rule?.createdById ? [row.rule.createdById] : [];
      await this.send(row.channel, { deliveryId: row.id, subject: row.subject, body: row.body, event: row.payload as Record<string, unknown> }, fallback, row);
      await this.prisma.delivery.update({ where: { id: row.id }, data: { status: "SENT", sentAt: new Date(), lastError: null } });
      this.logger.info("notification delivered", { deliveryId: row.id, channelType: row.channelType, attempts });
      return "sent";
    } catch (error) {
      const message = error instanceof SendError ? error.message : "internal error while sending";
      if (!(error instanceof SendError)) this.logger.error("delivery attempt failed unexpectedly", { deliveryId: row.id, error: (error as Error).message });
      const final = error instanceof PermanentError || attempts >= this.config.maxAttempts;
      await this.prisma.delivery.update({ where: { id: row.id }, data: { lastError: message, status: final ? "FAILED" : "PENDING" } });
      this.logger.warn(final ? "delivery failed for good (dead-lettered)" : "delivery attempt failed, will retry", { deliveryId: row.id, attempts, error: message });
      throw final ? new UnrecoverableError(message) : new Error(message);
    }
  }

  private async send(channel: ChannelRow, message: OutgoingMessage, fallbackRecipients: string[], delivery?: { id: string; eventId: string; eventType: string }): Promise<void> {
    let secret: string | null;
    try {
      secret = this.channels.secretOf(channel);
    } catch {
      throw new PermanentError("the channel's secret cannot be decrypted");
    }
    const timeout = this.config.sendTimeoutMs;
    switch (channel.type as ChannelType) {
      case ChannelType.EMAIL:
        return sendEmail(channel.config as unknown as EmailConfig, secret, message, timeout);
      case ChannelType.WEBHOOK:
        if (!secret) throw new PermanentError("the webhook has no signing secret");
        return sendWebhook((channel.config as unknown as WebhookConfig).url, secret, message, timeout);
      case ChannelType.SLACK:
        if (!secret) throw new PermanentError("the Slack channel has no webhook URL");
        return sendSlack(secret, message, timeout);
      case ChannelType.IN_APP: {
        const listed = (channel.config as unknown as InAppConfig).recipientUserIds;
        const recipients = listed.length ? listed : fallbackRecipients;
        if (!recipients.length) throw new PermanentError("the in-app channel has no recipients");
        await this.inbox.deliver(recipients, { deliveryId: delivery?.id ?? null, eventId: delivery?.eventId ?? null, eventType: delivery?.eventType ?? "notifications.test", title: message.subject, body: message.body });
        return;
      }
    }
  }

  /** Sends a FAILED delivery again: a new round of attempts (counted from 0), queued by the dispatcher. */
  async retry(ctx: RequestContext, id: string): Promise<NotificationDelivery> {
    requirePermission(ctx, "notifications:write");
    const row = isUuid(id) ? await this.prisma.delivery.findUnique({ where: { id } }) : null;
    if (!row) throw notFound("NotificationDelivery", id);
    if (row.status !== "FAILED") throw badInput("id", `only a FAILED delivery can be sent again (this one is ${row.status})`);
    const updated = await this.transaction(async (tx) => {
      const changed = await tx.delivery.update({ where: { id: row.id, status: "FAILED" }, data: { status: "PENDING", attempts: 0, queuedAt: null, sentAt: null, retries: { increment: 1 } } });
      await emitEvent(tx, "notifications.delivery.retried", {
        actor: ctx.actor,
        subject: { type: "NotificationDelivery", id: row.id },
        data: { id: row.id, ruleId: row.ruleId, channelId: row.channelId, retries: changed.retries },
      });
      return changed;
    });
    return view({ ...updated, channelType: updated.channelType as ChannelType, status: updated.status as DeliveryStatus });
  }

  /** Sends a test message through a channel now (in-app: to its recipients, else to the caller). */
  async test(ctx: RequestContext, channelId: string): Promise<ChannelTestResult> {
    const user = requirePermission(ctx, "notifications:write");
    const channel = isUuid(channelId) ? await this.prisma.channel.findUnique({ where: { id: channelId } }) : null;
    if (!channel) throw notFound("NotificationChannel", channelId);
    const message: OutgoingMessage = {
      deliveryId: `test-${randomUUID()}`,
      subject: `OpsConductor test notification (${channel.name})`,
      body: `A test message sent by ${user.username} through the channel "${channel.name}".`,
      event: { type: "notifications.test", occurredAt: new Date().toISOString(), actor: { userId: user.id, username: user.username } },
    };
    let result: ChannelTestResult;
    try {
      await this.send(channel, message, [user.id]);
      result = { ok: true, error: null };
    } catch (error) {
      result = { ok: false, error: error instanceof SendError ? error.message : "internal error while sending" };
    }
    await this.transaction((tx) =>
      emitEvent(tx, "notifications.channel.tested", { actor: ctx.actor, subject: { type: "NotificationChannel", id: channel.id }, data: { id: channel.id, name: channel.name, type: channel.type, ok: result.ok } }),
    );
    return result;
  }

  async list(ctx: RequestContext, filter?: DeliveryFilter | null, pagination?: PaginationInput | null): Promise<NotificationDeliveryPage> {
    requirePermission(ctx, "notifications:read");
    const { skip, take } = pageArgs(pagination);
    const where: Prisma.DeliveryWhereInput = {};
    if (filter?.status) where.status = filter.status;
    for (const key of ["ruleId", "channelId", "eventId"] as const) {
      const value = filter?.[key];
      if (value == null) continue;
      if (!isUuid(value)) throw badInput(`filter.${key}`, "must be an id");
      where[key] = value.toLowerCase();
    }
    if (filter?.eventType) where.eventType = filter.eventType;
    const [items, total] = await Promise.all([
      this.prisma.delivery.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip, take }),
      this.prisma.delivery.count({ where }),
    ]);
    return { items: items.map((row) => view({ ...row, channelType: row.channelType as ChannelType, status: row.status as DeliveryStatus })), total };
  }
}
