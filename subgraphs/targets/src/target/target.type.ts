import { Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { OsType } from "../generated/prisma/enums";

registerEnumType(OsType, { name: "OsType", description: "The operating system family of a target." });
export { OsType };

/** The users subgraph owns User; this stub only lets a target point at one. */
@ObjectType("User")
@Directive('@key(fields: "id", resolvable: false)')
export class UserReference {
  @Field(() => ID)
  id!: string;
}

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
}

@ObjectType()
export class TargetPage {
  @Field(() => [Target])
  items!: Target[];

  @Field(() => Int, { description: "All targets matching the filter, ignoring pagination." })
  total!: number;
}
