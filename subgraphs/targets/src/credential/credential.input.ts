import { PartialInput } from "@opsconductor/kit/subgraph";
import { Field, InputType } from "type-graphql";
import { CredentialType } from "./credential.type";

@InputType({ description: "Secret fields are write-only; send only those the type uses." })
export class CreateCredentialInput {
  @Field()
  name!: string;

  @Field(() => CredentialType)
  type!: CredentialType;

  @Field(() => String, { nullable: true, description: "Required for PASSWORD and SNMP_V3." })
  username?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true, description: "PASSWORD" })
  password?: string | null;

  @Field(() => String, { nullable: true, description: "SSH_KEY: OpenSSH or PEM private key (ed25519, RSA, ECDSA)." })
  privateKey?: string | null;

  @Field(() => String, { nullable: true, description: "SSH_KEY: passphrase of an encrypted private key." })
  passphrase?: string | null;

  @Field(() => String, { nullable: true, description: "SNMP_COMMUNITY" })
  community?: string | null;

  @Field(() => String, { nullable: true, description: "API_TOKEN" })
  token?: string | null;

  @Field(() => String, { nullable: true, description: "SNMP_V3: noAuthNoPriv, authNoPriv, authPriv (default)." })
  securityLevel?: string | null;

  @Field(() => String, { nullable: true, description: "SNMP_V3: MD5, SHA, SHA224, SHA256 (default), SHA384, SHA512." })
  authProtocol?: string | null;

  @Field(() => String, { nullable: true, description: "SNMP_V3: DES, AES (default), AES192, AES256." })
  privProtocol?: string | null;

  @Field(() => String, { nullable: true, description: "SNMP_V3 authentication password (≥ 8)." })
  authPassword?: string | null;

  @Field(() => String, { nullable: true, description: "SNMP_V3 privacy password (≥ 8)." })
  privPassword?: string | null;
}

@InputType({ description: "Only the fields sent change; a secret sent replaces the stored one." })
export class UpdateCredentialInput extends PartialInput(CreateCredentialInput, { omit: ["type"] }) {}
