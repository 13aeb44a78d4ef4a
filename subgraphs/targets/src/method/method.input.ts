import { Field, ID, InputType, Int } from "type-graphql";
import { ConnectionMethodType } from "./method.type";

@InputType({ description: "Only the fields sent change; the type cannot change." })
export class UpdateConnectionMethodInput {
  @Field(() => Int, { nullable: true })
  port?: number | null;

  @Field(() => Boolean, { nullable: true })
  isPrimary?: boolean | null;

  @Field(() => ID, { nullable: true })
  credentialId?: string | null;

  @Field(() => String, { nullable: true })
  username?: string | null;

  @Field(() => Boolean, { nullable: true })
  https?: boolean | null;

  @Field(() => String, { nullable: true })
  authType?: string | null;

  @Field(() => String, { nullable: true })
  snmpVersion?: string | null;

  @Field(() => String, { nullable: true })
  basePath?: string | null;

  @Field(() => Boolean, { nullable: true })
  tlsVerify?: boolean | null;
}

@InputType({ description: "Settings apply per type: SSH username; WINRM https, authType, tlsVerify; SNMP snmpVersion; HTTP https, basePath, tlsVerify." })
export class ConnectionMethodInput extends UpdateConnectionMethodInput {
  @Field(() => ConnectionMethodType)
  type!: ConnectionMethodType;

  @Field(() => Int, { nullable: true, description: "Defaults per type (SSH 22, WinRM 5986/5985, SNMP 161, HTTP 443/80, Telnet 23)." })
  declare port?: number | null;
}
