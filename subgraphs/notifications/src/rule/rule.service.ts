import { textProblem } from "@opsconductor/kit";
import { badInput, conflict, emitEvent, isUuid, notFound, pageArgs, requirePermission, userReference, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient, Rule as RuleRow } from "../generated/prisma/client";
import { normalizeName } from "../channel/channel.validation";
import { patternProblem, Severity, unknownVariable, type RuleConditions } from "./matching";
import type { CreateNotificationRuleInput, RuleConditionsInput, UpdateNotificationRuleInput } from "./rule.input";
import type { NotificationRule, NotificationRulePage } from "./rule.type";

type Tx = Prisma.TransactionClient;
type RuleWithChannels = RuleRow & { channels: Array<{ channelId: string }> };

const LIST_MAX = 50;
const STATUS = /^[A-Z][A-Z_]{0,39}$/;
const TAG = /^[a-z0-9][a-z0-9:._-]{0,39}$/;
const SEVERITIES = new Set<string>(Object.values(Severity));

export function ruleView(row: RuleWithChannels): NotificationRule {
  return {
    id: row.id,
    name: row.name,
    eventPattern: row.eventPattern,
    conditions: row.conditions as unknown as RuleConditions,
    subjectTemplate: row.subjectTemplate,
    bodyTemplate: row.bodyTemplate,
    enabled: row.enabled,
    channelIds: row.channels.map((link) => link.channelId),
    createdBy: userReference(row.createdById),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function list<T>(values: T[] | null | undefined, field: string, check: (value: T, at: string) => T): T[] {
  const items = values ?? [];
  if (items.length > LIST_MAX) throw badInput(field, `must have at most ${LIST_MAX} entries`);
  return [...new Set(items.map((value, index) => check(value, `${field}.${index}`)))];
}

export function normalizeConditions(input: RuleConditionsInput | null | undefined, field = "input.conditions"): RuleConditions {
  return {
    statuses: list(input?.statuses, `${field}.statuses`, (value, at) => {
      const status = value.trim().toUpperCase();
      if (!STATUS.test(status)) throw badInput(at, "must be a status such as FAILED or PARTIAL");
      return status;
    }),
    jobIds: list(input?.jobIds, `${field}.jobIds`, (value, at) => {
      if (!isUuid(value)) throw badInput(at, "must be a job id");
      return value.toLowerCase();
    }),
    targetTags: list(input?.targetTags, `${field}.targetTags`, (value, at) => {
      const tag = value.trim().toLowerCase();
      if (!TAG.test(tag)) throw badInput(at, "must be a tag (lower-case letters, digits, : . _ -; at most 40)");
      return tag;
    }),
    severities: list(input?.severities, `${field}.severities`, (value, at) => {
      if (!SEVERITIES.has(value)) throw badInput(at, "must be a severity");
      return value;
    }),
  };
}

function template(value: string, field: string, max: number, pattern: string): string {
  if (!value.trim()) throw badInput(field, "is required");
  const problem = textProblem(value, max);
  if (problem) throw badInput(field, problem);
  const unknown = unknownVariable(value, pattern);
  if (unknown !== undefined) throw badInput(field, `{{${unknown}}} is not a variable of the events this rule matches (e.g. event.type, severity, actor.username, subject.id, data.<field>)`);
  return value;
}

function pattern(value: string, field = "input.eventPattern"): string {
  const trimmed = value.trim();
  const problem = patternProblem(trimmed);
  if (problem) throw badInput(field, problem);
  return trimmed;
}

const snapshot = (row: RuleWithChannels) => ({ id: row.id, name: row.name, eventPattern: row.eventPattern, enabled: row.enabled, channelIds: row.channels.map((link) => link.channelId) });
const json = (value: unknown) => value as Prisma.InputJsonValue;
const WITH_CHANNELS = { channels: { select: { channelId: true } } } as const;

/** Rules: pattern, conditions and templates checked at save (an unknown `{{variable}}` is refused), channels linked. */
export class RuleService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
  ) {}

  async list(ctx: RequestContext, pagination?: PaginationInput | null): Promise<NotificationRulePage> {
    requirePermission(ctx, "notifications:read");
    const { skip, take } = pageArgs(pagination);
    const [items, total] = await Promise.all([
      this.prisma.rule.findMany({ include: WITH_CHANNELS, orderBy: [{ nameKey: "asc" }, { id: "asc" }], skip, take }),
      this.prisma.rule.count(),
    ]);
    return { items: items.map(ruleView), total };
  }

  async get(ctx: RequestContext, id: string): Promise<NotificationRule | null> {
    requirePermission(ctx, "notifications:read");
    if (!isUuid(id)) return null;
    const row = await this.prisma.rule.findUnique({ where: { id }, include: WITH_CHANNELS });
    return row ? ruleView(row) : null;
  }

  async byIds(ids: readonly string[]): Promise<NotificationRule[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? (await this.prisma.rule.findMany({ where: { id: { in: valid } }, include: WITH_CHANNELS })).map(ruleView) : [];
  }

  private async channelIds(ids: string[], field = "input.channelIds"): Promise<string[]> {
    if (!ids.length) throw badInput(field, "must name at least one channel");
    const unique = list(ids, field, (id, at) => {
      if (!isUuid(id)) throw badInput(at, "must be a channel id");
      return id.toLowerCase();
    });
    const found = new Set((await this.prisma.channel.findMany({ where: { id: { in: unique } }, select: { id: true } })).map((row) => row.id));
    const missing = unique.findIndex((id) => !found.has(id));
    if (missing >= 0) throw badInput(`${field}.${missing}`, "is not a notification channel");
    return unique;
  }

  async create(ctx: RequestContext, input: CreateNotificationRuleInput): Promise<NotificationRule> {
    const user = requirePermission(ctx, "notifications:write");
    const name = normalizeName(input.name);
    const eventPattern = pattern(input.eventPattern);
    const conditions = normalizeConditions(input.conditions);
    const subjectTemplate = template(input.subjectTemplate, "input.subjectTemplate", 500, eventPattern);
    const bodyTemplate = template(input.bodyTemplate, "input.bodyTemplate", 10_000, eventPattern);
    const channelIds = await this.channelIds(input.channelIds);
    const row = await this.transaction(
      async (tx) => {
        const created = await tx.rule.create({
          data: {
            name,
            nameKey: name.toLowerCase(),
            eventPattern,
            conditions: json(conditions),
            subjectTemplate,
            bodyTemplate,
            enabled: input.enabled ?? true,
            createdById: user.id,
            channels: { create: channelIds.map((channelId) => ({ channelId })) },
          },
          include: WITH_CHANNELS,
        });
        await emitEvent(tx, "notifications.rule.created", { actor: ctx.actor, subject: { type: "NotificationRule", id: created.id }, data: snapshot(created) });
        return created;
      },
      { onUniqueViolation: () => conflict("input.name", "A rule with this name exists already") },
    );
    return ruleView(row);
  }

  async update(ctx: RequestContext, id: string, input: UpdateNotificationRuleInput): Promise<NotificationRule> {
    requirePermission(ctx, "notifications:write");
    const current = isUuid(id) ? await this.prisma.rule.findUnique({ where: { id }, include: WITH_CHANNELS }) : null;
    if (!current) throw notFound("NotificationRule", id);
    const next = {
      name: input.name == null ? current.name : normalizeName(input.name),
      eventPattern: input.eventPattern == null ? current.eventPattern : pattern(input.eventPattern),
      conditions: input.conditions == null ? (current.conditions as unknown as RuleConditions) : normalizeConditions(input.conditions),
      enabled: input.enabled ?? current.enabled,
    };
    // Templates are checked against the (new) pattern even when only the pattern changes.
    const subjectTemplate = template(input.subjectTemplate ?? current.subjectTemplate, "input.subjectTemplate", 500, next.eventPattern);
    const bodyTemplate = template(input.bodyTemplate ?? current.bodyTemplate, "input.bodyTemplate", 10_000, next.eventPattern);
    const channelIds = input.channelIds == null ? current.channels.map((link) => link.channelId) : await this.channelIds(input.channelIds);
    const before = ruleView(current);
    const changed = Object.entries({ ...next, subjectTemplate, bodyTemplate })
      .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(before[key as keyof NotificationRule]))
      .map(([key]) => key);
    if (JSON.stringify([...channelIds].sort()) !== JSON.stringify([...before.channelIds].sort())) changed.push("channelIds");
    const row = await this.transaction(
      async (tx) => {
        await tx.ruleChannel.deleteMany({ where: { ruleId: id } });
        const updated = await tx.rule.update({
          where: { id },
          data: { ...next, nameKey: next.name.toLowerCase(), conditions: json(next.conditions), subjectTemplate, bodyTemplate, channels: { create: channelIds.map((channelId) => ({ channelId })) } },
          include: WITH_CHANNELS,
        });
        if (changed.length) await emitEvent(tx, "notifications.rule.updated", { actor: ctx.actor, subject: { type: "NotificationRule", id }, data: { ...snapshot(updated), changed } });
        return updated;
      },
      { onUniqueViolation: () => conflict("input.name", "A rule with this name exists already") },
    );
    return ruleView(row);
  }

  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    requirePermission(ctx, "notifications:write");
    const current = isUuid(id) ? await this.prisma.rule.findUnique({ where: { id } }) : null;
    if (!current) throw notFound("NotificationRule", id);
    await this.transaction(async (tx) => {
      await tx.rule.delete({ where: { id } });
      await emitEvent(tx, "notifications.rule.deleted", { actor: ctx.actor, subject: { type: "NotificationRule", id }, data: { id, name: current.name } });
    });
    return true;
  }
}
