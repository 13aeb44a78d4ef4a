import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Stub of the users subgraph's entity: auth only knows the id; users resolves the rest. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;
}
