import { PartialInput, SortInput, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { Field, ID, InputType, Int } from "type-graphql";
import { ParameterType, ScriptInterpreter, StepType } from "./job.type";

@InputType()
export class JobStepInput {
  @Field(() => String, { nullable: true, description: "1-100 characters; default `Step <n>`." })
  name?: string | null;

  @Field(() => StepType, { nullable: true, defaultValue: StepType.COMMAND })
  type?: StepType | null;

  @Field({ description: "COMMAND: the command line; SCRIPT: the script body (at most 65536 characters)." })
  content!: string;

  @Field(() => ScriptInterpreter, { nullable: true, description: "SCRIPT only; default bash." })
  interpreter?: ScriptInterpreter | null;

  @Field(() => Int, { nullable: true, description: "1-86400 s; default 300." })
  timeoutSeconds?: number | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  continueOnError?: boolean | null;
}

@InputType()
export class JobParameterInput {
  @Field({ description: "A letter or _, then letters, digits or _ (at most 64); unique in the job." })
  name!: string;

  @Field(() => ParameterType, { nullable: true, defaultValue: ParameterType.STRING })
  type?: ParameterType | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  required?: boolean | null;

  @Field(() => String, { nullable: true, description: "Must itself be valid; not allowed for SECRET." })
  defaultValue?: string | null;

  @Field(() => [String], { nullable: true, description: "CHOICE only (1-100 distinct values)." })
  choices?: string[] | null;

  @Field(() => String, { nullable: true, description: "STRING only: a regular expression the whole value must match." })
  pattern?: string | null;

  @Field(() => Int, { nullable: true })
  min?: number | null;

  @Field(() => Int, { nullable: true })
  max?: number | null;
}

@InputType()
export class JobTargetSelectionInput {
  @Field(() => [ID], { nullable: true })
  targetIds?: string[] | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => ID, { nullable: true })
  groupId?: string | null;
}

@InputType({ description: "Unset fields take their defaults." })
export class JobRunOptionsInput {
  @Field(() => Int, { nullable: true })
  maxParallel?: number | null;

  @Field(() => Int, { nullable: true })
  targetTimeoutSeconds?: number | null;

  @Field(() => Int, { nullable: true })
  retries?: number | null;

  @Field(() => Int, { nullable: true })
  retryBackoffSeconds?: number | null;

  @Field(() => Boolean, { nullable: true })
  stopOnFirstFailure?: boolean | null;
}

@InputType()
export class CreateJobInput {
  @Field({ description: "1-100 characters, unique among live jobs (case-insensitive)." })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  isTemplate?: boolean | null;

  @Field(() => [JobStepInput], { description: "1-50 steps, run in order." })
  steps!: JobStepInput[];

  @Field(() => [JobParameterInput], { nullable: true })
  parameters?: JobParameterInput[] | null;

  @Field(() => JobTargetSelectionInput, { nullable: true })
  targets?: JobTargetSelectionInput | null;

  @Field(() => JobRunOptionsInput, { nullable: true })
  options?: JobRunOptionsInput | null;
}

@InputType({ description: "Only the fields sent change (lists are replaced whole); any change makes a new version." })
export class UpdateJobInput extends PartialInput(CreateJobInput) {}

@InputType()
export class JobFilter {
  @Field(() => String, { nullable: true, description: "Case-insensitive, in name and description." })
  search?: string | null;

  @Field(() => Boolean, { nullable: true })
  isTemplate?: boolean | null;
}

export const JobSortField = graphqlEnum("JobSortField", ["NAME", "CREATED_AT", "UPDATED_AT"]);
export type JobSortField = EnumOf<typeof JobSortField>;

@InputType()
export class JobSort extends SortInput(JobSortField, { field: "NAME", direction: "ASC" }) {}
