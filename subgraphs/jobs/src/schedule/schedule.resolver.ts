import { crud, CrudResolver, PaginationInput, userReference, UserReference } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, ID, Int, Root } from "type-graphql";
import type { JobsContext } from "../context";
import { Job } from "../job/job.type";
import { windowsOf, type ScheduleRow } from "./plan";
import { BlackoutWindow, Schedule, ScheduleInput, ScheduleOccurrencePage, SchedulePage, ScheduleParameter, ScheduledRun } from "./schedule.type";
import { windowView } from "./schedule.validation";

@CrudResolver(() => Schedule, (ctx: JobsContext) => ctx.schedules, {
  schedules: crud.list(() => SchedulePage, "Schedules of live jobs, oldest first; needs jobs:read.", { jobId: () => ID, enabled: () => Boolean, pagination: () => PaginationInput }, "object"),
  schedule: crud.get(),
  createSchedule: crud.create(() => ScheduleInput, "Needs jobs:write and jobs:execute."),
  updateSchedule: crud.update(() => ScheduleInput, "Needs jobs:write and jobs:execute. A finished schedule whose change lets it run again resumes."),
  setScheduleEnabled: crud.setEnabled("Enables or disables a schedule; needs jobs:write and jobs:execute."),
  deleteSchedule: crud.remove("Soft delete (its occurrences stay); needs jobs:write and jobs:execute."),
})
export class ScheduleResolver {
  @FieldResolver(() => Job, { nullable: true })
  job(@Ctx() ctx: JobsContext, @Root() schedule: Schedule): Promise<Job | null> {
    return ctx.jobs.get(ctx, schedule.jobId);
  }

  @FieldResolver(() => [ScheduleParameter])
  parameters(@Root() schedule: Schedule): ScheduleParameter[] {
    return Object.entries((schedule.parameters ?? {}) as Record<string, string>).map(([name, value]) => ({ name, value }));
  }

  @FieldResolver(() => [BlackoutWindow])
  blackoutWindows(@Root() schedule: Schedule): BlackoutWindow[] {
    return windowsOf(schedule as unknown as ScheduleRow).map(windowView);
  }

  @FieldResolver(() => [ScheduledRun], {
    description: "The next n ticks (1-100, UTC) from now; those inside a blackout window (the schedule's own or a global one) are marked skipped. Empty when disabled, finished or deleted; stops where maxRuns ends the schedule.",
  })
  nextRuns(@Ctx() ctx: JobsContext, @Root() schedule: Schedule, @Arg("n", () => Int, { defaultValue: 5 }) n: number): Promise<ScheduledRun[]> {
    return ctx.schedules.nextRuns(ctx, schedule, n);
  }

  @FieldResolver(() => ScheduleOccurrencePage, { description: "What happened at each tick, newest first." })
  occurrences(@Ctx() ctx: JobsContext, @Root() schedule: Schedule, @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput): Promise<ScheduleOccurrencePage> {
    return ctx.schedules.occurrences(ctx, schedule.id, pagination);
  }

  @FieldResolver(() => UserReference, { nullable: true })
  createdBy(@Root() schedule: Schedule): UserReference | null {
    return userReference(schedule.createdById);
  }
}
