import { crud, CrudResolver } from "@opsconductor/kit/subgraph";
import type { TargetsContext } from "../context";
import { CreateCredentialInput, UpdateCredentialInput } from "./credential.input";
import { Credential, CredentialPage } from "./credential.type";

/** GraphQL ↔ CredentialService. */
@CrudResolver(() => Credential, (ctx: TargetsContext) => ctx.credentials, {
  credentials: crud.list(() => CredentialPage, "Needs credentials:read. Never returns a secret."),
  credential: crud.get("Needs credentials:read."),
  createCredential: crud.create(() => CreateCredentialInput, "Needs targets:write. Secrets are encrypted at once and never returned."),
  updateCredential: crud.update(() => UpdateCredentialInput, "Needs targets:write. A secret sent replaces the stored one."),
  deleteCredential: crud.remove("Needs targets:write. Refused while a connection method uses it."),
})
export class CredentialResolver {}
