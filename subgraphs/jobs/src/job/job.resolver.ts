import { PaginationInput, userReference, UserReference } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { JobsContext } from "../context";
import { Schedule } from "../schedule/schedule.type";
import { CreateJobInput, JobFilter, JobSort, UpdateJobInput } from "./job.input";
import { Job, JobPage, JobVersion, JobVersionPage } from "./job.type";

/** GraphQL ↔ JobService; the service holds the rules and the permission checks. */
@Resolver(() => Job)
export class JobResolver {
  @Query(() => JobPage, { description: "Live jobs; needs jobs:read. Sorted by name by default." })
  jobs(
    @Ctx() ctx: JobsContext,
    @Arg("filter", () => JobFilter, { nullable: true }) filter?: JobFilter,
    @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput,
    @Arg("sort", () => JobSort, { nullable: true }) sort?: JobSort,
  ): Promise<JobPage> {
    return ctx.jobs.list(ctx, { filter, pagination, sort });
  }

  @Query(() => JobPage, { description: "Live jobs marked as templates (jobs with filter isTemplate: true); needs jobs:read." })
  jobTemplates(
    @Ctx() ctx: JobsContext,
    @Arg("search", () => String, { nullable: true }) search?: string,
    @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput,
  ): Promise<JobPage> {
    return ctx.jobs.list(ctx, { filter: { search, isTemplate: true }, pagination });
  }

  @Query(() => Job, { nullable: true, description: "Null when the job does not exist or was deleted." })
  job(@Ctx() ctx: JobsContext, @Arg("id", () => ID) id: string): Promise<Job | null> {
    return ctx.jobs.get(ctx, id);
  }

  @Query(() => JobVersion, { nullable: true, description: "One version of a live job; null when either does not exist." })
  jobVersion(@Ctx() ctx: JobsContext, @Arg("jobId", () => ID) jobId: string, @Arg("version", () => Int) version: number): Promise<JobVersion | null> {
    return ctx.jobs.version(ctx, jobId, version);
  }

  @Mutation(() => Job, { description: "Creates version 1; needs jobs:write." })
  createJob(@Ctx() ctx: JobsContext, @Arg("input", () => CreateJobInput) input: CreateJobInput): Promise<Job> {
    return ctx.jobs.create(ctx, input);
  }

  @Mutation(() => Job, { description: "Any change makes a new version (an update that changes nothing makes none); needs jobs:write." })
  updateJob(@Ctx() ctx: JobsContext, @Arg("id", () => ID) id: string, @Arg("input", () => UpdateJobInput) input: UpdateJobInput): Promise<Job> {
    return ctx.jobs.update(ctx, id, input);
  }

  @Mutation(() => Job, { description: "A new job (version 1, not a template) with the current definition of another; needs jobs:write." })
  cloneJob(@Ctx() ctx: JobsContext, @Arg("id", () => ID) id: string, @Arg("name") name: string): Promise<Job> {
    return ctx.jobs.clone(ctx, id, name);
  }

  @Mutation(() => Boolean, { description: "Soft delete (versions stay for the runs that used them; the name is free again; its schedules stop); needs jobs:write." })
  deleteJob(@Ctx() ctx: JobsContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.jobs.delete(ctx, id);
  }

  @Mutation(() => Job, { description: "Undoes deleteJob: the job is live again with its versions (CONFLICT when a live job has its name; its stopped schedules stay deleted); needs jobs:write." })
  restoreJob(@Ctx() ctx: JobsContext, @Arg("id", () => ID) id: string): Promise<Job> {
    return ctx.jobs.restore(ctx, id);
  }

  @FieldResolver(() => JobVersionPage, { description: "Every version, newest first." })
  versions(@Ctx() ctx: JobsContext, @Root() job: Job, @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput): Promise<JobVersionPage> {
    return ctx.jobs.versions(ctx, job.id, pagination);
  }

  @FieldResolver(() => [Schedule], { description: "The job's schedules (not deleted)." })
  schedules(@Ctx() ctx: JobsContext, @Root() job: Job): Promise<Schedule[]> {
    return ctx.schedules.ofJob(ctx, job.id);
  }

  @FieldResolver(() => UserReference, { nullable: true })
  createdBy(@Root() job: Job): UserReference | null {
    return userReference(job.createdById);
  }
}

@Resolver(() => JobVersion)
export class JobVersionResolver {
  @FieldResolver(() => UserReference, { nullable: true, description: "Who made this version." })
  createdBy(@Root() version: JobVersion): UserReference | null {
    return userReference(version.createdById);
  }
}
