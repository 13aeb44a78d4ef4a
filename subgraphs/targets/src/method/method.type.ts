import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionMethodType } from "../generated/prisma/enums";

registerEnumType(ConnectionMethodType, { name: "ConnectionMethodType" });
export { ConnectionMethodType };

@ObjectType({ description: "How to reach a target: protocol, port, credential and protocol settings." })
export class ConnectionMethod {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  targetId!: string;

  @Field(() => ConnectionMethodType)
  type!: ConnectionMethodType;

  @Field(() => Int)
  port!: number;

  @Field({ description: "The method connection tests and executions use by default (one per target)." })
  isPrimary!: boolean;

  @Field(() => ID, { nullable: true })
  credentialId!: string | null;

  @Field(() => String, { nullable: true, description: "SSH: login name (else the credential's username)." })
  username!: string | null;

  @Field(() => Boolean, { nullable: true, description: "WINRM and HTTP." })
  https!: boolean | null;

  @Field(() => String, { nullable: true, description: "WINRM: BASIC, NTLM, KERBEROS or CREDSSP." })
  authType!: string | null;

  @Field(() => String, { nullable: true, description: "SNMP: V1, V2C or V3." })
  snmpVersion!: string | null;

  @Field(() => String, { nullable: true, description: "HTTP: base path of the API." })
  basePath!: string | null;

  @Field(() => Boolean, { nullable: true, description: "HTTP and WINRM over https: verify the TLS certificate." })
  tlsVerify!: boolean | null;

  @Field(() => String, { nullable: true, description: "SSH: trusted host key fingerprint (trust on first use)." })
  hostKeyFingerprint!: string | null;

  @Field(() => String, { nullable: true, description: "SSH: a different host key seen since; connections fail until it is accepted." })
  pendingHostKeyFingerprint!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}
