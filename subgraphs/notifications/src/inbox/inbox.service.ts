import { liveTopics, publishLive, type Logger } from "@opsconductor/kit";
import { emitEvent, forbidden, isUuid, notFound, pageArgs, requireUser, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Redis } from "ioredis";
import type { Notification as NotificationRow, Prisma, PrismaClient } from "../generated/prisma/client";
import type { Notification, NotificationInbox, NotificationPage } from "./notification.type";

export const notificationView = (row: NotificationRow): Notification => ({ ...row, read: row.readAt !== null });

/**
 * The in-app inbox: every signed-in user reads and marks only their own notifications (no extra
 * permission: it is their mail). New ones are announced on the `notificationAdded` live topic.
 */
export class InboxService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Prisma.TransactionClient>,
    private readonly redis: () => Redis,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {}

  async list(ctx: RequestContext, unreadOnly: boolean, pagination?: PaginationInput | null): Promise<NotificationPage> {
    const user = requireUser(ctx);
    const { skip, take } = pageArgs(pagination);
    const where = { userId: user.id, ...(unreadOnly ? { readAt: null } : {}) };
    const [items, total] = await Promise.all([
      this.prisma.notification.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip, take }),
      this.prisma.notification.count({ where }),
    ]);
    return { items: items.map(notificationView), total };
  }

  /** One of the caller's notifications; null for an unknown id or someone else's. */
  async get(ctx: RequestContext, id: string): Promise<Notification | null> {
    const user = requireUser(ctx);
    if (!isUuid(id)) return null;
    const row = await this.prisma.notification.findFirst({ where: { id, userId: user.id } });
    return row ? notificationView(row) : null;
  }

  async unreadCount(ctx: RequestContext): Promise<number> {
    const user = requireUser(ctx);
    return this.prisma.notification.count({ where: { userId: user.id, readAt: null } });
  }

  /** The caller's inbox; FORBIDDEN for anyone else's (what `notificationAdded` authorizes with). */
  async inbox(ctx: RequestContext, userId: string): Promise<NotificationInbox> {
    const user = requireUser(ctx);
    if (!isUuid(userId) || userId.toLowerCase() !== user.id.toLowerCase()) throw forbidden("Only your own notifications can be followed");
    return { userId: user.id, unreadCount: await this.unreadCount(ctx) };
  }

  async markRead(ctx: RequestContext, id: string): Promise<Notification> {
    const user = requireUser(ctx);
    const row = isUuid(id) ? await this.prisma.notification.findFirst({ where: { id, userId: user.id } }) : null;
    if (!row) throw notFound("Notification", id);
    if (row.readAt) return notificationView(row);
    return notificationView(
      await this.transaction(async (tx) => {
        const updated = await tx.notification.update({ where: { id }, data: { readAt: new Date() } });
        await emitEvent(tx, "notifications.inbox.read", { actor: ctx.actor, subject: { type: "Notification", id }, data: { userId: user.id, count: 1, all: false } });
        return updated;
      }),
    );
  }

  /** Marks every unread notification of the caller read; returns how many. */
  async markAllRead(ctx: RequestContext): Promise<number> {
    const user = requireUser(ctx);
    return this.transaction(async (tx) => {
      const { count } = await tx.notification.updateMany({ where: { userId: user.id, readAt: null }, data: { readAt: new Date() } });
      if (count) await emitEvent(tx, "notifications.inbox.read", { actor: ctx.actor, subject: { type: "User", id: user.id }, data: { userId: user.id, count, all: true } });
      return count;
    });
  }

  /** Puts a notification in each recipient's inbox (once per delivery and user) and announces the new ones live. */
  async deliver(recipients: string[], item: { deliveryId: string | null; eventId: string | null; eventType: string; title: string; body: string }): Promise<void> {
    const existing = item.deliveryId
      ? new Set((await this.prisma.notification.findMany({ where: { deliveryId: item.deliveryId }, select: { userId: true } })).map((row) => row.userId))
      : new Set<string>();
    const created = await this.prisma.notification.createManyAndReturn({
      data: recipients.filter((userId) => !existing.has(userId)).map((userId) => ({ userId, ...item })),
      skipDuplicates: true,
    });
    for (const row of created) {
      await publishLive(this.redis(), this.keyPrefix, liveTopics.notificationAdded.channel({ userId: row.userId }), { __typename: "Notification", id: row.id }).catch((error: Error) =>
        this.logger.warn("could not announce a notification live", { notificationId: row.id, error: error.message }),
      );
    }
  }
}
