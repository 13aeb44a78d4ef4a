import { badInput, conflict, containsText, emitEvent, isUuid, notFound, pageArgs, prismaOrder, requirePermission, type EventData, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Job as JobModel, JobVersion as VersionModel, Prisma, PrismaClient } from "../generated/prisma/client";
import { JobSortField, type CreateJobInput, type JobFilter, type JobSort, type UpdateJobInput } from "./job.input";
import type { Job, JobPage, JobVersion, JobVersionPage } from "./job.type";
import { checkPlaceholders, normalizeDescription, normalizeName, normalizeOptions, normalizeParameters, normalizeSteps, normalizeTargets, validateCreate, type JobDefinition } from "./job.validation";

type Tx = Prisma.TransactionClient;
const SEARCH_MAX = 200;
const DEFINITION_FIELDS = ["name", "description", "isTemplate", "steps", "parameters", "targets", "options"] as const;

const sortColumns: Record<JobSortField, Array<keyof Prisma.JobOrderByWithRelationInput>> = {
  [JobSortField.NAME]: ["nameKey", "name"],
  [JobSortField.CREATED_AT]: ["createdAt"],
  [JobSortField.UPDATED_AT]: ["updatedAt"],
};

export const jobView = (row: JobModel): Job => row as unknown as Job;
export const versionView = (row: VersionModel): JobVersion => row as unknown as JobVersion;

export function definitionOf(row: JobModel | VersionModel): JobDefinition {
  const view = row as unknown as JobDefinition;
  return {
    name: view.name,
    description: view.description,
    isTemplate: view.isTemplate,
    steps: view.steps,
    parameters: view.parameters,
    targets: view.targets,
    options: view.options,
  };
}

export function jobEventSnapshot(id: string, version: number, definition: JobDefinition): EventData<"jobs.job.updated"> extends infer T ? Omit<T, "changed"> : never {
  return {
    id,
    name: definition.name,
    version,
    isTemplate: definition.isTemplate,
    stepCount: definition.steps.length,
    parameterNames: definition.parameters.map((parameter) => parameter.name),
  };
}

const json = (value: unknown) => value as Prisma.InputJsonValue;
const definitionData = (definition: JobDefinition) => ({
  name: definition.name,
  description: definition.description,
  isTemplate: definition.isTemplate,
  steps: json(definition.steps),
  parameters: json(definition.parameters),
  targets: json(definition.targets),
  options: json(definition.options),
});

/**
 * Whether a saved group exists now in the targets service (its internal contract). Throws when the
 * targets service cannot answer: a job is not saved with a group nobody could check.
 */
export type GroupCheck = (groupId: string, requestId?: string) => Promise<boolean>;

/** Hook the schedule side registers: a deleted job's schedules stop with it (in the same transaction). */
export type JobDeletedHook = (tx: Tx, ctx: RequestContext, jobId: string) => Promise<string[]>;

/**
 * Job definitions: validation, case-insensitive unique names among live jobs, an immutable
 * JobVersion for every change, templates and clones, soft delete, an event with every change.
 */
export class JobService {
  /** Set by the schedule service; returns the ids of the schedules it stopped. */
  onDeleted?: JobDeletedHook;
  /** Called after a delete committed with the schedules it stopped (to remove their Redis schedulers). */
  afterDeleted?: (scheduleIds: string[]) => Promise<void>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly groupExists: GroupCheck,
  ) {}

  /** A selection's saved group must exist when the job is saved (checked before any write). */
  private async assertGroup(ctx: RequestContext, groupId: string | null, field: string): Promise<void> {
    if (groupId && !(await this.groupExists(groupId, ctx.requestId))) throw badInput(field, `saved group ${groupId} does not exist`);
  }

  async findLiveByIds(ids: readonly string[]): Promise<Job[]> {
    const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    return valid.length ? (await this.prisma.job.findMany({ where: { id: { in: valid }, deletedAt: null } })).map(jobView) : [];
  }

  async get(ctx: RequestContext, id: string): Promise<Job | null> {
    requirePermission(ctx, "jobs:read");
    if (!isUuid(id)) return null;
    const row = await this.prisma.job.findFirst({ where: { id, deletedAt: null } });
    return row ? jobView(row) : null;
  }

  async list(ctx: RequestContext, args: { filter?: JobFilter | null; pagination?: PaginationInput | null; sort?: JobSort | null }): Promise<JobPage> {
    requirePermission(ctx, "jobs:read");
    const { skip, take } = pageArgs(args.pagination);
    const where: Prisma.JobWhereInput = { deletedAt: null };
    const search = args.filter?.search?.trim();
    if (search) {
      if (search.length > SEARCH_MAX) throw badInput("filter.search", `must be at most ${SEARCH_MAX} characters`);
      where.OR = [{ name: containsText(search) }, { description: containsText(search) }];
    }
    if (args.filter?.isTemplate != null) where.isTemplate = args.filter.isTemplate;
    const direction = prismaOrder(args.sort?.direction);
    const orderBy = [...sortColumns[args.sort?.field ?? JobSortField.NAME].map((column) => ({ [column]: direction })), { id: "asc" as const }];
    const [items, total] = await Promise.all([this.prisma.job.findMany({ where, orderBy, skip, take }), this.prisma.job.count({ where })]);
    return { items: items.map(jobView), total };
  }

  async versions(ctx: RequestContext, jobId: string, pagination?: PaginationInput | null): Promise<JobVersionPage> {
    requirePermission(ctx, "jobs:read");
    const { skip, take } = pageArgs(pagination);
    const where = { jobId };
    const [items, total] = await Promise.all([
      this.prisma.jobVersion.findMany({ where, orderBy: { version: "desc" }, skip, take }),
      this.prisma.jobVersion.count({ where }),
    ]);
    return { items: items.map(versionView), total };
  }

  /** A version of a live job; null when either does not exist. */
  async version(ctx: RequestContext, jobId: string, version: number): Promise<JobVersion | null> {
    requirePermission(ctx, "jobs:read");
    if (!isUuid(jobId) || !Number.isInteger(version) || version < 1) return null;
    const row = await this.prisma.jobVersion.findFirst({ where: { jobId, version, job: { deletedAt: null } } });
    return row ? versionView(row) : null;
  }

  async create(ctx: RequestContext, input: CreateJobInput): Promise<Job> {
    const user = requirePermission(ctx, "jobs:write");
    const definition = validateCreate(input);
    await this.assertGroup(ctx, definition.targets.groupId, "input.targets.groupId");
    return this.insert(ctx, definition, isUuid(user.id) ? user.id : null, null);
  }

  /** A new job (version 1) with the definition of another job's current version, under a new name; never a template itself. */
  async clone(ctx: RequestContext, id: string, name: string): Promise<Job> {
    const user = requirePermission(ctx, "jobs:write");
    const newName = normalizeName(name, "name");
    if (!isUuid(id)) throw notFound("Job", id);
    const source = await this.prisma.job.findFirst({ where: { id, deletedAt: null } });
    if (!source) throw notFound("Job", id);
    const definition = { ...definitionOf(source), name: newName, isTemplate: false };
    return this.insert(ctx, definition, isUuid(user.id) ? user.id : null, source.id, "name");
  }

  private async insert(ctx: RequestContext, definition: JobDefinition, createdById: string | null, clonedFromId: string | null, nameField = "input.name"): Promise<Job> {
    const row = await this.transaction(
      async (tx) => {
        await this.assertNameFree(tx, definition.name, undefined, nameField);
        const created = await tx.job.create({ data: { ...definitionData(definition), nameKey: definition.name.toLowerCase(), version: 1, createdById, clonedFromId } });
        await tx.jobVersion.create({ data: { ...definitionData(definition), jobId: created.id, version: 1, createdById } });
        await emitEvent(tx, "jobs.job.created", {
          actor: ctx.actor,
          subject: { type: "Job", id: created.id },
          data: { ...jobEventSnapshot(created.id, 1, definition), clonedFromId },
        });
        return created;
      },
      { onUniqueViolation: () => conflict(nameField, `A job named "${definition.name}" exists`) },
    );
    return jobView(row);
  }

  async update(ctx: RequestContext, id: string, input: UpdateJobInput): Promise<Job> {
    const user = requirePermission(ctx, "jobs:write");
    if (!isUuid(id)) throw notFound("Job", id);
    // Validated before any write: a bad field writes nothing.
    const changes: Partial<JobDefinition> = {};
    if (input.name != null) changes.name = normalizeName(input.name);
    if (input.description !== undefined) changes.description = normalizeDescription(input.description);
    if (input.isTemplate != null) changes.isTemplate = input.isTemplate;
    if (input.steps != null) changes.steps = normalizeSteps(input.steps);
    if (input.parameters != null) changes.parameters = normalizeParameters(input.parameters);
    if (input.targets != null) changes.targets = normalizeTargets(input.targets);
    await this.assertGroup(ctx, changes.targets?.groupId ?? null, "input.targets.groupId");
    const row = await this.transaction(
      async (tx) => {
        await tx.$executeRawUnsafe("SELECT 1 FROM jobs WHERE id = $1::uuid AND deleted_at IS NULL FOR UPDATE", id);
        const current = await tx.job.findFirst({ where: { id, deletedAt: null } });
        if (!current) throw notFound("Job", id);
        const before = definitionOf(current);
        const next: JobDefinition = { ...before, ...changes };
        if (input.options != null) next.options = normalizeOptions(input.options, before.options);
        checkPlaceholders(next.steps, next.parameters);
        const changed = DEFINITION_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(next[field]));
        if (!changed.length) return current;
        if (changed.includes("name") && next.name.toLowerCase() !== current.nameKey) await this.assertNameFree(tx, next.name, id);
        const version = current.version + 1;
        const createdById = isUuid(user.id) ? user.id : null;
        const updated = await tx.job.update({ where: { id }, data: { ...definitionData(next), nameKey: next.name.toLowerCase(), version } });
        await tx.jobVersion.create({ data: { ...definitionData(next), jobId: id, version, createdById } });
        await emitEvent(tx, "jobs.job.updated", { actor: ctx.actor, subject: { type: "Job", id }, data: { ...jobEventSnapshot(id, version, next), changed } });
        return updated;
      },
      { onUniqueViolation: () => conflict("input.name", `A job named "${changes.name}" exists`) },
    );
    return jobView(row);
  }

  /** Soft delete: the job and its versions stay for the runs that used them; its name is free again; its schedules stop. */
  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    requirePermission(ctx, "jobs:write");
    if (!isUuid(id)) throw notFound("Job", id);
    const stopped = await this.transaction(async (tx) => {
      await tx.$executeRawUnsafe("SELECT 1 FROM jobs WHERE id = $1::uuid AND deleted_at IS NULL FOR UPDATE", id);
      const current = await tx.job.findFirst({ where: { id, deletedAt: null } });
      if (!current) throw notFound("Job", id);
      await tx.job.update({ where: { id }, data: { deletedAt: new Date(), active: null } });
      const scheduleIds = (await this.onDeleted?.(tx, ctx, id)) ?? [];
      await emitEvent(tx, "jobs.job.deleted", { actor: ctx.actor, subject: { type: "Job", id }, data: { id, name: current.name, version: current.version } });
      return scheduleIds;
    });
    await this.afterDeleted?.(stopped);
    return true;
  }

  /**
   * Undoes a soft delete: the job is live again with its versions (its current version unchanged).
   * Its name must be free among live jobs (CONFLICT otherwise: rename the other one first). Schedules
   * the delete stopped stay deleted: they are made again on purpose, not revived silently.
   */
  async restore(ctx: RequestContext, id: string): Promise<Job> {
    requirePermission(ctx, "jobs:write");
    if (!isUuid(id)) throw notFound("Job", id);
    const row = await this.transaction(
      async (tx) => {
        await tx.$executeRawUnsafe("SELECT 1 FROM jobs WHERE id = $1::uuid FOR UPDATE", id);
        const current = await tx.job.findUnique({ where: { id } });
        if (!current) throw notFound("Job", id);
        if (!current.deletedAt) throw conflict("id", "the job is not deleted");
        await this.assertNameFree(tx, current.name, id, "id");
        const restored = await tx.job.update({ where: { id }, data: { deletedAt: null, active: true } });
        await emitEvent(tx, "jobs.job.restored", { actor: ctx.actor, subject: { type: "Job", id }, data: { id, name: current.name, version: current.version } });
        return restored;
      },
      { onUniqueViolation: () => conflict("id", "a live job has this job's name; rename it first") },
    );
    return jobView(row);
  }

  private async assertNameFree(tx: Tx, name: string, exceptId?: string, field = "input.name") {
    const existing = await tx.job.findFirst({ where: { nameKey: name.toLowerCase(), active: true, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { id: true } });
    if (existing) throw conflict(field, `A job named "${name}" exists`);
  }
}
