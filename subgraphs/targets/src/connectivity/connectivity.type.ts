import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionMethodType, ErrorCategory, HealthStatus } from "../generated/prisma/enums";

registerEnumType(HealthStatus, { name: "HealthStatus", description: "From the last connection test: CRITICAL when it failed, WARNING when slow." });
registerEnumType(ErrorCategory, { name: "ConnectionErrorCategory" });
export { ErrorCategory, HealthStatus };

@ObjectType({ description: "The result of one connection test." })
export class ConnectionCheck {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  targetId!: string;

  @Field(() => ID, { nullable: true })
  methodId!: string | null;

  @Field(() => ConnectionMethodType, { nullable: true, description: "Null when the target has no method (plain TCP to its port)." })
  methodType!: ConnectionMethodType | null;

  @Field()
  ok!: boolean;

  @Field(() => Int, { nullable: true })
  latencyMs!: number | null;

  @Field(() => ErrorCategory, { nullable: true })
  errorCategory!: ErrorCategory | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => String, { nullable: true, description: "SSH: the server's software version; HTTP: its Server header." })
  serverVersion!: string | null;

  @Field()
  checkedAt!: Date;
}

@ObjectType({ description: "A bulk connection test; poll it for progress or subscribe to connectionTestBatchUpdated." })
export class ConnectionTestBatch {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  done!: number;

  @Field(() => Int)
  ok!: number;

  @Field(() => Int)
  failed!: number;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: "Why the batch ended early (its process stopped before testing every target; those have INTERRUPTED results), else null.",
  })
  error!: string | null;

  /** Resolved into the `createdBy` User reference (null for periodic checks). */
  createdById!: string | null;
}
