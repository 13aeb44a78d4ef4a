import { Page } from "@opsconductor/kit/subgraph";
import { Field, GraphQLISODateTime, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "An item of the executions service." })
export class ExecutionsItem {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType({ description: "One page of executions items and the total." })
export class ExecutionsItemPage extends Page(ExecutionsItem) {}
