import { crud, CrudResolver, PaginationInput, userReference, UserReference } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { JobsContext } from "../context";
import { Schedule } from "../schedule/schedule.type";
import { CreateJobInput, JobFilter, JobSort, UpdateJobInput } from "./job.input";
import type { JobService } from "./job.service";
import { Job, JobPage, JobVersion, JobVersionPage } from "./job.type";

/** GraphQL ↔ JobService; the service holds the rules and the permission checks. */
@CrudResolver(() => Job, (ctx: JobsContext) => ctx.jobs, {
  jobs: crud.list(() => JobPage, "Live jobs; needs jobs:read. Sorted by name by default.", { filter: () => JobFilter, pagination: () => PaginationInput, sort: () => JobSort }, "object"),
  jobTemplates: crud.list(
    () => JobPage,
    "Live jobs marked as templates (jobs with filter isTemplate: true); needs jobs:read.",
    { search: () => String, pagination: () => PaginationInput },
    (jobs: JobService, ctx: JobsContext, search?: string, pagination?: PaginationInput) => jobs.list(ctx, { filter: { search, isTemplate: true }, pagination }),
  ),
  job: crud.get("Null when the job does not exist or was deleted."),
  createJob: crud.create(() => CreateJobInput, "Creates version 1; needs jobs:write."),
  updateJob: crud.update(() => UpdateJobInput, "Any change makes a new version (an update that changes nothing makes none); needs jobs:write."),
  deleteJob: crud.remove("Soft delete (versions stay for the runs that used them; the name is free again; its schedules stop); needs jobs:write."),
  restoreJob: crud.byId(
    "Undoes deleteJob: the job is live again with its versions (CONFLICT when a live job has its name; its stopped schedules stay deleted); needs jobs:write.",
    (jobs, ctx, id) => jobs.restore(ctx, id),
  ),
})
export class JobResolver {
  @Query(() => JobVersion, { nullable: true, description: "One version of a live job; null when either does not exist." })
  jobVersion(@Ctx() ctx: JobsContext, @Arg("jobId", () => ID) jobId: string, @Arg("version", () => Int) version: number): Promise<JobVersion | null> {
    return ctx.jobs.version(ctx, jobId, version);
  }

  @Mutation(() => Job, { description: "A new job (version 1, not a template) with the current definition of another; needs jobs:write." })
  cloneJob(@Ctx() ctx: JobsContext, @Arg("id", () => ID) id: string, @Arg("name") name: string): Promise<Job> {
    return ctx.jobs.clone(ctx, id, name);
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
