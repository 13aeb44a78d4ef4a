import { Page } from "@opsconductor/kit/subgraph";
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { type HealthStatus, OsType } from "../generated/prisma/enums";

registerEnumType(OsType, { name: "OsType", description: "The operating system family of a target." });
export { OsType };


@ObjectType({ description: "A managed host or network device." })
@Directive('@key(fields: "id")')
export class Target {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: "Hostname (lower-cased) or IPv4/IPv6 address." })
  address!: string;

  @Field(() => Int)
  port!: number;

  @Field(() => OsType)
  osType!: OsType;

  @Field({ description: "Lower-case slug such as production or staging." })
  environment!: string;

  @Field(() => [String])
  tags!: string[];

  @Field(() => String, { nullable: true })
  description!: string | null;

  /** Resolved into the `createdBy` User reference. */
  createdById!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  /** Shown as serialNumber (TGT-000001). */
  serial!: number;
  /** Resolved by the connectivity field resolvers. */
  healthStatus!: HealthStatus;
  lastCheckedAt!: Date | null;
  /** Resolved into deviceType. */
  deviceTypeId!: string | null;
}

@ObjectType({ description: "One page of targets and the total matching the filter." })
export class TargetPage extends Page(Target) {}
