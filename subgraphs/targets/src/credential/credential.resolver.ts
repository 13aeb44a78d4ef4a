import { PaginationInput } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { TargetsContext } from "../context";
import { CreateCredentialInput, UpdateCredentialInput } from "./credential.input";
import { Credential, CredentialPage } from "./credential.type";

/** GraphQL ↔ CredentialService. */
@Resolver(() => Credential)
export class CredentialResolver {
  @Query(() => CredentialPage, { description: "Needs credentials:read. Never returns a secret." })
  credentials(@Ctx() ctx: TargetsContext, @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput): Promise<CredentialPage> {
    return ctx.credentials.list(ctx, pagination);
  }

  @Query(() => Credential, { nullable: true, description: "Needs credentials:read." })
  credential(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string): Promise<Credential | null> {
    return ctx.credentials.get(ctx, id);
  }

  @Mutation(() => Credential, { description: "Needs targets:write. Secrets are encrypted at once and never returned." })
  createCredential(@Ctx() ctx: TargetsContext, @Arg("input", () => CreateCredentialInput) input: CreateCredentialInput): Promise<Credential> {
    return ctx.credentials.create(ctx, input);
  }

  @Mutation(() => Credential, { description: "Needs targets:write. A secret sent replaces the stored one." })
  updateCredential(
    @Ctx() ctx: TargetsContext,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateCredentialInput) input: UpdateCredentialInput,
  ): Promise<Credential> {
    return ctx.credentials.update(ctx, id, input);
  }

  @Mutation(() => Boolean, { description: "Needs targets:write. Refused while a connection method uses it." })
  deleteCredential(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.credentials.delete(ctx, id);
  }
}
