import { Field, ID, InputType, ObjectType } from "type-graphql";
import { HealthStatus } from "../connectivity/connectivity.type";
import { TargetFilter } from "../target/target.input";
import { OsType } from "../target/target.type";

@ObjectType({ description: "The filter a saved group stands for." })
export class SavedGroupFilter {
  @Field(() => String, { nullable: true })
  search?: string | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => String, { nullable: true })
  environment?: string | null;

  @Field(() => OsType, { nullable: true })
  osType?: OsType | null;

  @Field(() => ID, { nullable: true })
  deviceTypeId?: string | null;

  @Field(() => String, { nullable: true })
  namePattern?: string | null;

  @Field(() => HealthStatus, { nullable: true })
  healthStatus?: HealthStatus | null;
}

@ObjectType({ description: "A saved filter: it resolves to whichever targets match it now (jobs select targets by it)." })
export class SavedGroup {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => SavedGroupFilter)
  filter!: SavedGroupFilter;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@InputType()
export class SavedGroupInput {
  @Field(() => String, { nullable: true, description: "Required when creating; 1-100 characters, unique." })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => TargetFilter, { nullable: true, description: "Required when creating; at least one criterion." })
  filter?: TargetFilter | null;
}
