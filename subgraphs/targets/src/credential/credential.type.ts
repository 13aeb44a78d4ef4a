import { Page } from "@opsconductor/kit/subgraph";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { CredentialType } from "../generated/prisma/enums";

registerEnumType(CredentialType, { name: "CredentialType", description: "What a credential holds." });
export { CredentialType };

/** A reusable credential. Write-only for secrets: no field ever returns one. */
@ObjectType({ description: "A reusable credential. Secrets can be set or replaced, never read back." })
export class Credential {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => CredentialType)
  type!: CredentialType;

  @Field(() => String, { nullable: true })
  username!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field({ description: "True when every secret the type needs is stored." })
  hasSecret!: boolean;

  @Field(() => [String], { description: "Names of the secret fields that are set (password, privateKey, …)." })
  secretFields!: string[];

  @Field(() => String, { nullable: true, description: "SSH_KEY: ed25519, rsa, ecdsa-p256, …" })
  keyAlgorithm!: string | null;

  @Field(() => String, { nullable: true, description: "SSH_KEY: SHA256 fingerprint of the public key, as ssh-keygen -l prints it." })
  publicKeyFingerprint!: string | null;

  @Field(() => String, { nullable: true, description: "SNMP_V3: noAuthNoPriv, authNoPriv or authPriv." })
  securityLevel!: string | null;

  @Field(() => String, { nullable: true })
  authProtocol!: string | null;

  @Field(() => String, { nullable: true })
  privProtocol!: string | null;

  @Field(() => Date, { nullable: true, description: "When a connection test or an execution last used it." })
  lastUsedAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType()
export class CredentialPage extends Page(Credential) {}
