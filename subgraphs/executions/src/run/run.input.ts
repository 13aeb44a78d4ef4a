import { SortInput, TimeRangeFilter, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { Field, ID, InputType } from "type-graphql";
import { RunStatus, RunTrigger } from "./run.type";

@InputType({ description: "A value for one of the job's parameters (all values are strings, coerced by the parameter's type)." })
export class ParameterValueInput {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@InputType({ description: "Runs matching every criterion given." })
export class RunFilter extends TimeRangeFilter("Created") {
  @Field(() => ID, { nullable: true })
  jobId?: string | null;

  @Field(() => RunStatus, { nullable: true })
  status?: RunStatus | null;

  @Field(() => RunTrigger, { nullable: true })
  trigger?: RunTrigger | null;
}

export const RunSortField = graphqlEnum("RunSortField", ["CREATED_AT", "NUMBER", "STATUS", "FINISHED_AT"]);
export type RunSortField = EnumOf<typeof RunSortField>;

@InputType()
export class RunSort extends SortInput(RunSortField, { field: "CREATED_AT", direction: "DESC" }, { required: true }) {}
