import { Page, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { OccurrenceStatus, ScheduleKind } from "../generated/prisma/enums";

registerEnumType(ScheduleKind, { name: "ScheduleKind", description: "CRON: a cron expression in an IANA zone; ONCE: one run at runAt; INTERVAL: every intervalSeconds." });
registerEnumType(OccurrenceStatus, {
  name: "ScheduleOccurrenceStatus",
  description: "PENDING: claimed, the run being requested; STARTED: a run started; SKIPPED: inside a blackout window; FAILED: the run could not be started (see reason).",
});
export { OccurrenceStatus, ScheduleKind };

export const BlackoutKind = graphqlEnum("BlackoutKind", ["DATE_RANGE", "CRON"], { description: "DATE_RANGE: from startsAt to endsAt; CRON: opens at each cron instant in its zone for durationMinutes." });
export type BlackoutKind = EnumOf<typeof BlackoutKind>;

@ObjectType({ description: "A time in which a schedule's ticks start no run and are recorded as SKIPPED (start inclusive, end exclusive)." })
export class BlackoutWindow {
  @Field(() => BlackoutKind)
  kind!: BlackoutKind;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => Date, { nullable: true, description: "DATE_RANGE" })
  startsAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "DATE_RANGE" })
  endsAt!: Date | null;

  @Field(() => String, { nullable: true, description: "CRON: when the window opens." })
  cron!: string | null;

  @Field(() => String, { nullable: true, description: "CRON: the IANA zone of the cron expression." })
  timezone!: string | null;

  @Field(() => Int, { nullable: true, description: "CRON: how long the window stays open." })
  durationMinutes!: number | null;
}

@InputType()
export class BlackoutWindowInput {
  @Field(() => BlackoutKind)
  kind!: BlackoutKind;

  @Field(() => String, { nullable: true, description: "At most 100 characters." })
  label?: string | null;

  @Field(() => Date, { nullable: true, description: "DATE_RANGE: required." })
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: "DATE_RANGE: required, after startsAt." })
  endsAt?: Date | null;

  @Field(() => String, { nullable: true, description: "CRON: required (5 or 6 fields)." })
  cron?: string | null;

  @Field(() => String, { nullable: true, description: "CRON: default UTC." })
  timezone?: string | null;

  @Field(() => Int, { nullable: true, description: "CRON: required, 1-10080." })
  durationMinutes?: number | null;
}

@ObjectType({ description: "A parameter value a schedule passes to its runs." })
export class ScheduleParameter {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@InputType()
export class ScheduleParameterInput {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@ObjectType({ description: "A coming tick of a schedule (UTC)." })
export class ScheduledRun {
  @Field()
  at!: Date;

  @Field({ description: "True when the tick falls in a blackout window: it will be recorded SKIPPED and start no run." })
  skipped!: boolean;

  @Field(() => String, { nullable: true, description: "The blackout window, when skipped." })
  reason!: string | null;
}

@ObjectType({ description: "What happened at one tick of a schedule." })
export class ScheduleOccurrence {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  scheduleId!: string;

  @Field({ description: "The tick's instant (UTC)." })
  scheduledFor!: Date;

  @Field(() => OccurrenceStatus)
  status!: OccurrenceStatus;

  @Field(() => ID, { nullable: true, description: "The run it started (executions service)." })
  runId!: string | null;

  @Field(() => Int, { nullable: true })
  runNumber!: number | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType({ description: "One page of a schedule's occurrences, newest first." })
export class ScheduleOccurrencePage extends Page(ScheduleOccurrence) {}

@ObjectType({ description: "When a job runs by itself." })
export class Schedule {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  jobId!: string;

  @Field(() => ScheduleKind)
  kind!: ScheduleKind;

  @Field(() => String, { nullable: true, description: "CRON: the expression (5 fields, or 6 with seconds first)." })
  cron!: string | null;

  @Field({ description: "CRON: the IANA zone the expression is read in (DST-aware)." })
  timezone!: string;

  @Field(() => Date, { nullable: true, description: "ONCE: when." })
  runAt!: Date | null;

  @Field(() => Int, { nullable: true, description: "INTERVAL: seconds between ticks (ticks fall on startAt + k × interval)." })
  intervalSeconds!: number | null;

  @Field(() => Date, { nullable: true, description: "No tick before this." })
  startAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "No tick after this." })
  endAt!: Date | null;

  @Field(() => Int, { nullable: true, description: "Stops after this many started runs (skipped ticks do not count)." })
  maxRuns!: number | null;

  @Field()
  enabled!: boolean;

  @Field(() => Int, { description: "Runs started by this schedule." })
  runCount!: number;

  @Field(() => Date, { nullable: true, description: "Set when maxRuns, endAt or a one-shot's run ended the schedule." })
  finishedAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  anchorAt!: Date;
  parameters!: unknown;
  blackoutWindows!: unknown;
  createdById!: string | null;
}

@ObjectType({ description: "One page of schedules." })
export class SchedulePage extends Page(Schedule) {}

@InputType({ description: "For updates only the fields sent change (lists are replaced whole); send null to clear startAt, endAt or maxRuns." })
export class ScheduleInput {
  @Field(() => ID, { nullable: true, description: "Create only: the job to run." })
  jobId?: string | null;

  @Field(() => ScheduleKind, { nullable: true, description: "Required when creating." })
  kind?: ScheduleKind | null;

  @Field(() => String, { nullable: true })
  cron?: string | null;

  @Field(() => String, { nullable: true, description: "IANA zone; default UTC." })
  timezone?: string | null;

  @Field(() => Date, { nullable: true })
  runAt?: Date | null;

  @Field(() => Int, { nullable: true })
  intervalSeconds?: number | null;

  @Field(() => Date, { nullable: true })
  startAt?: Date | null;

  @Field(() => Date, { nullable: true })
  endAt?: Date | null;

  @Field(() => Int, { nullable: true, description: "1-1000000." })
  maxRuns?: number | null;

  @Field(() => Boolean, { nullable: true, description: "Default true." })
  enabled?: boolean | null;

  @Field(() => [ScheduleParameterInput], { nullable: true, description: "Checked against the job's parameters; SECRET parameters cannot be stored on a schedule." })
  parameters?: ScheduleParameterInput[] | null;

  @Field(() => [BlackoutWindowInput], { nullable: true, description: "At most 20." })
  blackoutWindows?: BlackoutWindowInput[] | null;
}
