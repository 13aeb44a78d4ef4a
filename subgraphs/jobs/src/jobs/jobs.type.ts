import { Page } from "@opsconductor/kit/subgraph";
import { Field, GraphQLISODateTime, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "An item of the jobs service." })
export class JobsItem {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType({ description: "One page of jobs items and the total." })
export class JobsItemPage extends Page(JobsItem) {}
