import { PartialInput, SortInput, graphqlEnum, type EnumOf } from "@opsconductor/kit/subgraph";
import { Field, ID, InputType, Int } from "type-graphql";
import { HealthStatus } from "../connectivity/connectivity.type";
import { OsType } from "./target.type";

export const TargetSortField = graphqlEnum("TargetSortField", ["NAME", "ADDRESS", "CREATED_AT", "UPDATED_AT"]);
export type TargetSortField = EnumOf<typeof TargetSortField>;


@InputType()
export class CreateTargetInput {
  @Field({ description: "1-100 characters." })
  name!: string;

  @Field({ description: "IPv4/IPv6 address or RFC 1123 hostname." })
  address!: string;

  @Field(() => Int, { nullable: true, defaultValue: 22 })
  port?: number | null;

  @Field(() => OsType, { nullable: true, defaultValue: OsType.LINUX })
  osType?: OsType | null;

  @Field(() => String, { nullable: true, defaultValue: "production" })
  environment?: string | null;

  @Field(() => [String], { nullable: true, description: "Lower-cased and de-duplicated; at most 20." })
  tags?: string[] | null;

  @Field(() => String, { nullable: true, description: "At most 1000 characters." })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: "A device type from deviceTypes." })
  deviceTypeId?: string | null;
}

@InputType({ description: "Only the fields sent change; description: null clears it." })
export class UpdateTargetInput extends PartialInput(CreateTargetInput) {
  @Field(() => ID, { nullable: true, description: "null clears it." })
  declare deviceTypeId?: string | null;
}

@InputType()
export class TargetFilter {
  @Field(() => String, { nullable: true, description: "Case-insensitive match in name, address or description." })
  search?: string | null;

  @Field(() => [String], { nullable: true, description: "Targets having all of these tags." })
  tags?: string[] | null;

  @Field(() => String, { nullable: true })
  environment?: string | null;

  @Field(() => OsType, { nullable: true })
  osType?: OsType | null;

  @Field(() => ID, { nullable: true })
  deviceTypeId?: string | null;

  @Field(() => String, { nullable: true, description: "Case-insensitive glob on the name: * any characters, ? one (web-*)." })
  namePattern?: string | null;

  @Field(() => HealthStatus, { nullable: true, description: "The health from the last connection test." })
  healthStatus?: HealthStatus | null;
}

@InputType()
export class TargetSort extends SortInput(TargetSortField, { field: "NAME", direction: "ASC" }) {}
