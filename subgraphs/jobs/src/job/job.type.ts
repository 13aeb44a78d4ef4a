import { Page, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";

export const StepType = graphqlEnum("JobStepType", ["COMMAND", "SCRIPT"], { description: "COMMAND runs one command line; SCRIPT runs a script body through an interpreter." });
export type StepType = EnumOf<typeof StepType>;

export const ScriptInterpreter = graphqlEnum("ScriptInterpreter", { BASH: "bash", SH: "sh", PYTHON3: "python3", PWSH: "pwsh" });
export type ScriptInterpreter = EnumOf<typeof ScriptInterpreter>;

export const ParameterType = graphqlEnum("JobParameterType", ["STRING", "INT", "BOOL", "CHOICE", "SECRET"], { description: "SECRET values are never stored in plain text, logged, put in events or on schedules." });
export type ParameterType = EnumOf<typeof ParameterType>;

@ObjectType({ description: "One step of a job; `{{name}}` placeholders are substituted at run time." })
export class JobStep {
  @Field(() => ID, { description: "Stable within a version (step-1, step-2, …)." })
  id!: string;

  @Field()
  name!: string;

  @Field(() => StepType)
  type!: StepType;

  @Field({ description: "COMMAND: the command line; SCRIPT: the script body." })
  content!: string;

  @Field(() => ScriptInterpreter, { nullable: true, description: "SCRIPT steps only." })
  interpreter!: ScriptInterpreter | null;

  @Field(() => Int)
  timeoutSeconds!: number;

  @Field({ description: "A failure of this step does not stop the target's later steps." })
  continueOnError!: boolean;
}

@ObjectType({ description: "A typed parameter, referred to as `{{name}}` in steps." })
export class JobParameter {
  @Field()
  name!: string;

  @Field(() => ParameterType)
  type!: ParameterType;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field()
  required!: boolean;

  @Field(() => String, { nullable: true, description: "As text (INT and BOOL too); never set for SECRET." })
  defaultValue!: string | null;

  @Field(() => [String], { description: "CHOICE: the allowed values." })
  choices!: string[];

  @Field(() => String, { nullable: true, description: "STRING: a regular expression the whole value must match." })
  pattern!: string | null;

  @Field(() => Int, { nullable: true, description: "INT: the smallest value; STRING and SECRET: the shortest length." })
  min!: number | null;

  @Field(() => Int, { nullable: true, description: "INT: the largest value; STRING and SECRET: the longest length." })
  max!: number | null;
}

@ObjectType({ description: "Which targets a run uses: the union of the ids, the targets with all these tags, and a saved group's members." })
export class JobTargetSelection {
  @Field(() => [ID])
  targetIds!: string[];

  @Field(() => [String])
  tags!: string[];

  @Field(() => ID, { nullable: true, description: "A SavedGroup of the targets service, resolved when a run starts." })
  groupId!: string | null;
}

@ObjectType()
export class JobRunOptions {
  @Field(() => Int, { description: "Targets worked on at once (1-1000, default 10)." })
  maxParallel!: number;

  @Field(() => Int, { description: "Per target, all steps included (1-86400 s, default 3600)." })
  targetTimeoutSeconds!: number;

  @Field(() => Int, { description: "Retries of a failed target (0-10, default 0)." })
  retries!: number;

  @Field(() => Int, { description: "Wait before a retry, doubled each time (0-3600 s, default 10)." })
  retryBackoffSeconds!: number;

  @Field({ description: "Stop starting targets once one failed (default false)." })
  stopOnFirstFailure!: boolean;
}

/** The fields a job and each of its versions share. */
@ObjectType()
export abstract class JobDefinitionFields {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field()
  isTemplate!: boolean;

  @Field(() => [JobStep])
  steps!: JobStep[];

  @Field(() => [JobParameter])
  parameters!: JobParameter[];

  @Field(() => JobTargetSelection)
  targets!: JobTargetSelection;

  @Field(() => JobRunOptions)
  options!: JobRunOptions;

  /** Resolved into `createdBy`. */
  createdById!: string | null;

  @Field()
  createdAt!: Date;
}

@ObjectType({ description: "A job definition at its current version." })
@Directive('@key(fields: "id")')
export class Job extends JobDefinitionFields {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: "The current version (every change makes a new one)." })
  version!: number;

  @Field(() => ID, { nullable: true, description: "The job this one was cloned from." })
  clonedFromId!: string | null;

  @Field()
  updatedAt!: Date;
}

@ObjectType({ description: "One immutable version of a job." })
export class JobVersion extends JobDefinitionFields {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  jobId!: string;

  @Field(() => Int)
  version!: number;
}

@ObjectType({ description: "One page of jobs and the total matching the filter." })
export class JobPage extends Page(Job) {}

@ObjectType({ description: "One page of a job's versions, newest first." })
export class JobVersionPage extends Page(JobVersion) {}
