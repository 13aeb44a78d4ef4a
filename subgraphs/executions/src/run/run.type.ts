import { Directive, Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from "type-graphql";
import { Page, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";

export const RunStatus = graphqlEnum("RunStatus", ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "PARTIAL", "CANCELLED", "TIMED_OUT"], { description: "QUEUED → RUNNING → one of the final states." });
export type RunStatus = EnumOf<typeof RunStatus>;

export const RunTrigger = graphqlEnum("RunTrigger", ["MANUAL", "SCHEDULE", "API"]);
export type RunTrigger = EnumOf<typeof RunTrigger>;

export const RunTargetStatus = graphqlEnum("RunTargetStatus", ["PENDING", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "SKIPPED"], { description: "PENDING: waiting for a free slot (maxParallel); QUEUED: handed to the workers; SKIPPED: not run (stop on first failure)." });
export type RunTargetStatus = EnumOf<typeof RunTargetStatus>;

export const RunStepStatus = graphqlEnum("RunStepStatus", ["RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT"]);
export type RunStepStatus = EnumOf<typeof RunStepStatus>;

export const RunOutputStream = graphqlEnum("RunOutputStream", ["STDOUT", "STDERR"]);
export type RunOutputStream = EnumOf<typeof RunOutputStream>;

/** The jobs subgraph owns Job; a run points at it by id. */
@ObjectType("Job")
@Directive('@key(fields: "id", resolvable: false)')
export class JobReference {
  @Field(() => ID)
  id!: string;
}

/** The targets subgraph owns Target; the gateway resolves `target { name … }` there. */
@ObjectType("Target")
@Directive('@key(fields: "id", resolvable: false)')
export class TargetReference {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: "A parameter value of a run; SECRET values are always masked." })
export class RunParameter {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@ObjectType({ description: "How many of a run's targets are in each state." })
export class RunCounts {
  @Field(() => Int) total!: number;
  @Field(() => Int) pending!: number;
  @Field(() => Int) queued!: number;
  @Field(() => Int) running!: number;
  @Field(() => Int) succeeded!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) cancelled!: number;
  @Field(() => Int) timedOut!: number;
  @Field(() => Int) skipped!: number;
}

@ObjectType({ description: "One step of one attempt on one target: exit code, output (capped, SECRET values redacted), timing." })
export class StepResult {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: "Position of the step in the job (0-based)." })
  stepIndex!: number;

  @Field()
  stepName!: string;

  @Field(() => Int)
  attempt!: number;

  @Field(() => RunStepStatus)
  status!: RunStepStatus;

  @Field(() => Int, { nullable: true })
  exitCode!: number | null;

  @Field({ description: "Standard output; cut at the per-step limit with a visible '[output truncated: …]' line." })
  stdout!: string;

  @Field()
  stderr!: string;

  @Field()
  stdoutTruncated!: boolean;

  @Field()
  stderrTruncated!: boolean;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => GraphQLISODateTime)
  startedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int, { nullable: true })
  durationMs!: number | null;

  runTargetId!: string;
}

@ObjectType({ description: "One target of a run: its state, current attempt and step results." })
export class RunTarget {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  runId!: string;

  @Field(() => ID)
  targetId!: string;

  @Field({ description: "The target's name when the run started." })
  targetName!: string;

  @Field()
  targetAddress!: string;

  @Field(() => RunTargetStatus)
  status!: RunTargetStatus;

  @Field(() => Int, { description: "The current (or last) attempt, 1-based; 0 before the first." })
  attempt!: number;

  @Field(() => Int, { nullable: true })
  exitCode!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  queuedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  heartbeatAt!: Date | null;
}

@ObjectType({ description: "A run of a job on its targets." })
@Directive('@key(fields: "id")')
export class Run {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  jobId!: string;

  @Field({ description: "The job's name at the version that ran." })
  jobName!: string;

  @Field(() => Int)
  jobVersion!: number;

  @Field(() => Int, { description: "Numbered per job: #1, #2, …" })
  number!: number;

  @Field(() => RunTrigger)
  trigger!: RunTrigger;

  @Field(() => ID, { nullable: true })
  scheduleId!: string | null;

  @Field(() => ID, { nullable: true, description: "The run whose failed targets this run reruns." })
  rerunOfId!: string | null;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  cancelRequestedAt!: Date | null;

  @Field(() => Int)
  totalTargets!: number;

  triggeredById!: string | null;
  parameters!: unknown;
}

@ObjectType({ description: "A piece of a target's output as it arrived (SECRET values redacted); ordered by seq." })
export class RunOutputChunk {
  @Field(() => ID)
  id!: string;

  @Field(() => Float, { description: "Global order of chunks: later chunks have larger values." })
  seq!: number;

  @Field(() => ID)
  runId!: string;

  @Field(() => ID)
  targetId!: string;

  @Field(() => Int)
  stepIndex!: number;

  @Field(() => Int)
  attempt!: number;

  @Field(() => RunOutputStream)
  stream!: RunOutputStream;

  @Field()
  data!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType({ description: "One page of runs and the total." })
export class RunPage extends Page(Run) {}
