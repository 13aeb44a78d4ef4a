import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { ConnectionMethodType } from "../method/method.type";

@ObjectType({ description: "A default connection method of a device type." })
export class DefaultConnectionMethod {
  @Field(() => ConnectionMethodType)
  type!: ConnectionMethodType;

  @Field(() => Int)
  port!: number;
}

@InputType()
export class DefaultConnectionMethodInput {
  @Field(() => ConnectionMethodType)
  type!: ConnectionMethodType;

  @Field(() => Int)
  port!: number;
}

@ObjectType({ description: "A kind of device (Linux server, switch, …) with its usual connection methods." })
export class DeviceType {
  @Field(() => ID)
  id!: string;

  @Field({ description: "Stable slug, e.g. linux-server." })
  key!: string;

  @Field()
  name!: string;

  @Field()
  category!: string;

  @Field(() => [DefaultConnectionMethod])
  defaultMethods!: DefaultConnectionMethod[];

  @Field()
  builtIn!: boolean;
}

@InputType()
export class DeviceTypeInput {
  @Field(() => String, { nullable: true, description: "Slug (a-z, 0-9, '-'); required when adding." })
  key?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  category?: string | null;

  @Field(() => [DefaultConnectionMethodInput], { nullable: true })
  defaultMethods?: DefaultConnectionMethodInput[] | null;
}
