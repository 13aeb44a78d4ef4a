import { Page } from "@opsconductor/kit/subgraph";
import { Field, GraphQLISODateTime, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "An item of the audit service." })
export class AuditItem {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType({ description: "One page of audit items and the total." })
export class AuditItemPage extends Page(AuditItem) {}
