import { decrypt, encrypt } from "@opsconductor/kit";
import { badInput, conflict, emitEvent, findPage, isUuid, notFound, requirePermission, userReference, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Channel as ChannelRow, Prisma, PrismaClient } from "../generated/prisma/client";
import type { CreateNotificationChannelInput, UpdateNotificationChannelInput } from "./channel.input";
import { ChannelType, type NotificationChannel, type NotificationChannelPage } from "./channel.type";
import {
  normalizeEmail,
  normalizeInApp,
  normalizeName,
  normalizeWebhook,
  secretValue,
  SECRET_MIN,
  settingsField,
  slackUrl,
  type ChannelConfig,
  type EmailConfig,
  type InAppConfig,
  type WebhookConfig,
} from "./channel.validation";

type Tx = Prisma.TransactionClient;

/** Which of these user ids are not (active) users; asked of the users service. */
export type MissingUsers = (ids: string[]) => Promise<string[]>;

export function channelView(row: ChannelRow): NotificationChannel {
  const config = row.config as unknown as ChannelConfig;
  const type = row.type as ChannelType;
  const hasSecret = row.secretSealed !== null;
  const inApp = type === ChannelType.IN_APP ? (config as InAppConfig) : null;
  return {
    id: row.id,
    name: row.name,
    type,
    enabled: row.enabled,
    email: type === ChannelType.EMAIL ? { ...(config as EmailConfig), caCertificate: (config as EmailConfig).caCertificate ?? null, hasPassword: hasSecret } : null,
    webhook: type === ChannelType.WEBHOOK ? { url: (config as WebhookConfig).url, hasSecret } : null,
    slack: type === ChannelType.SLACK ? { hasWebhookUrl: hasSecret } : null,
    inApp: inApp ? { recipientUserIds: inApp.recipientUserIds, recipients: inApp.recipientUserIds.map((id) => userReference(id)!) } : null,
    createdBy: userReference(row.createdById),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const snapshot = (row: ChannelRow) => ({ id: row.id, name: row.name, type: row.type, enabled: row.enabled, hasSecret: row.secretSealed !== null });
const json = (value: unknown) => value as Prisma.InputJsonValue;

/**
 * Channels: validation per type, unique names, the channel's secret sealed with AES-256-GCM bound to
 * the channel id (write-only: views say whether it is set), an event with every change.
 */
export class ChannelService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly key: Buffer,
    private readonly missingUsers: MissingUsers,
  ) {}

  async list(ctx: RequestContext, pagination?: PaginationInput | null): Promise<NotificationChannelPage> {
    requirePermission(ctx, "notifications:read");
    return findPage(pagination, (page) => this.prisma.channel.findMany({ orderBy: [{ nameKey: "asc" }, { id: "asc" }], ...page }), () => this.prisma.channel.count(), channelView);
  }

  async get(ctx: RequestContext, id: string): Promise<NotificationChannel | null> {
    requirePermission(ctx, "notifications:read");
    if (!isUuid(id)) return null;
    const row = await this.prisma.channel.findUnique({ where: { id } });
    return row ? channelView(row) : null;
  }

  async byIds(ids: readonly string[]): Promise<NotificationChannel[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? (await this.prisma.channel.findMany({ where: { id: { in: valid } } })).map(channelView) : [];
  }

  /** The channel's decrypted secret (null when none is set); only senders call this. */
  secretOf(row: ChannelRow): string | null {
    return row.secretSealed ? decrypt(row.secretSealed, this.key, `channel:${row.id}`) : null;
  }

  private async settings(
    type: ChannelType,
    input: Pick<CreateNotificationChannelInput, "email" | "webhook" | "slack" | "inApp">,
    current: ChannelRow | null,
  ): Promise<{ config: ChannelConfig; secret?: string }> {
    const field = `input.${settingsField[type]}`;
    for (const other of Object.values(settingsField)) {
      if (other !== settingsField[type] && input[other] != null) throw badInput(`input.${other}`, `does not apply to a ${type} channel`);
    }
    const given = input[settingsField[type]];
    if (!given) {
      if (current) return { config: current.config as unknown as ChannelConfig };
      if (type === ChannelType.IN_APP) return { config: { recipientUserIds: [] } };
      throw badInput(field, `is required for a ${type} channel`);
    }
    switch (type) {
      case ChannelType.EMAIL: {
        const email = input.email!;
        const config = normalizeEmail(email, field);
        const secret = email.password == null ? undefined : secretValue(email.password, `${field}.password`);
        if (config.username && secret === undefined && !current?.secretSealed) throw badInput(`${field}.password`, "is required with a username");
        return { config, secret };
      }
      case ChannelType.WEBHOOK: {
        const webhook = input.webhook!;
        const config = normalizeWebhook(webhook, field);
        const secret = webhook.secret == null ? undefined : secretValue(webhook.secret, `${field}.secret`, SECRET_MIN, 512);
        if (secret === undefined && !current?.secretSealed) throw badInput(`${field}.secret`, "is required: every webhook is signed");
        return { config, secret };
      }
      case ChannelType.SLACK: {
        const secret = slackUrl(input.slack!, field);
        if (secret === undefined && !current?.secretSealed) throw badInput(`${field}.webhookUrl`, "is required");
        return { config: {}, secret };
      }
      case ChannelType.IN_APP: {
        const config = normalizeInApp(input.inApp, field);
        const missing = config.recipientUserIds.length ? await this.missingUsers(config.recipientUserIds) : [];
        if (missing.length) throw badInput(`${field}.recipientUserIds.${config.recipientUserIds.indexOf(missing[0]!)}`, "is not an active user");
        return { config };
      }
    }
  }

  async create(ctx: RequestContext, input: CreateNotificationChannelInput): Promise<NotificationChannel> {
    const user = requirePermission(ctx, "notifications:write");
    const name = normalizeName(input.name);
    const { config, secret } = await this.settings(input.type, input, null);
    const row = await this.transaction(
      async (tx) => {
        const created = await tx.channel.create({ data: { name, nameKey: name.toLowerCase(), type: input.type, enabled: input.enabled ?? true, config: json(config), createdById: user.id } });
        const sealed = secret === undefined ? created : await tx.channel.update({ where: { id: created.id }, data: { secretSealed: encrypt(secret, this.key, `channel:${created.id}`) } });
        await emitEvent(tx, "notifications.channel.created", { actor: ctx.actor, subject: { type: "NotificationChannel", id: sealed.id }, data: snapshot(sealed) });
        return sealed;
      },
      { onUniqueViolation: () => conflict("input.name", "A channel with this name exists already") },
    );
    return channelView(row);
  }

  async update(ctx: RequestContext, id: string, input: UpdateNotificationChannelInput): Promise<NotificationChannel> {
    requirePermission(ctx, "notifications:write");
    const current = isUuid(id) ? await this.prisma.channel.findUnique({ where: { id } }) : null;
    if (!current) throw notFound("NotificationChannel", id);
    const name = input.name == null ? current.name : normalizeName(input.name);
    const { config, secret } = await this.settings(current.type as ChannelType, input, current);
    const changed = [
      ...(name !== current.name ? ["name"] : []),
      ...(input.enabled != null && input.enabled !== current.enabled ? ["enabled"] : []),
      ...(JSON.stringify(config) !== JSON.stringify(current.config) ? ["settings"] : []),
      ...(secret !== undefined ? ["secret"] : []),
    ];
    const row = await this.transaction(
      async (tx) => {
        const updated = await tx.channel.update({
          where: { id },
          data: {
            name,
            nameKey: name.toLowerCase(),
            enabled: input.enabled ?? current.enabled,
            config: json(config),
            ...(secret !== undefined ? { secretSealed: encrypt(secret, this.key, `channel:${id}`) } : {}),
          },
        });
        if (changed.length) await emitEvent(tx, "notifications.channel.updated", { actor: ctx.actor, subject: { type: "NotificationChannel", id }, data: { ...snapshot(updated), changed } });
        return updated;
      },
      { onUniqueViolation: () => conflict("input.name", "A channel with this name exists already") },
    );
    return channelView(row);
  }

  /** Deletes the channel; rules lose it, its deliveries stay in the history. */
  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    requirePermission(ctx, "notifications:write");
    const current = isUuid(id) ? await this.prisma.channel.findUnique({ where: { id } }) : null;
    if (!current) throw notFound("NotificationChannel", id);
    await this.transaction(async (tx) => {
      await tx.channel.delete({ where: { id } });
      await emitEvent(tx, "notifications.channel.deleted", { actor: ctx.actor, subject: { type: "NotificationChannel", id }, data: { id, name: current.name, type: current.type } });
    });
    return true;
  }
}
