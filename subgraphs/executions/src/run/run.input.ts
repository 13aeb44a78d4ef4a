import { SortDirection } from "@opsconductor/kit/subgraph";
import { Field, GraphQLISODateTime, ID, InputType, registerEnumType } from "type-graphql";
import { RunStatus, RunTrigger } from "./run.type";

@InputType({ description: "A value for one of the job's parameters (all values are strings, coerced by the parameter's type)." })
export class ParameterValueInput {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@InputType({ description: "Runs matching every criterion given." })
export class RunFilter {
  @Field(() => ID, { nullable: true })
  jobId?: string | null;

  @Field(() => RunStatus, { nullable: true })
  status?: RunStatus | null;

  @Field(() => RunTrigger, { nullable: true })
  trigger?: RunTrigger | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "Created at or after." })
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "Created before." })
  to?: Date | null;
}

export enum RunSortField {
  CREATED_AT = "CREATED_AT",
  NUMBER = "NUMBER",
  STATUS = "STATUS",
  FINISHED_AT = "FINISHED_AT",
}
registerEnumType(RunSortField, { name: "RunSortField" });

@InputType()
export class RunSort {
  @Field(() => RunSortField, { defaultValue: RunSortField.CREATED_AT })
  field!: RunSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction!: SortDirection;
}
