import { createCredentialContract, internalFailure, removeCredentialContract, route, type Logger } from "@opsconductor/kit/subgraph";
import type { CredentialService } from "./credential.service";

/**
 * `POST /internal/credentials`: the users service stores the initial password of a user it
 * created. The body holds a password, so it is never logged, not even on errors.
 * `DELETE /internal/credentials/:userId`: the users service takes a credential back when the user
 * it was stored for did not commit. Idempotent: 204 whether or not one existed.
 */
export const credentialRoutes = (credentials: CredentialService, logger: Logger) => [
  route(createCredentialContract, async ({ body }) => {
    const result = await credentials.create(body);
    if (!result.ok) throw internalFailure(result.reason === "policy" ? 400 : 409, result.message, result.field);
    logger.info("credential created", { userId: body.userId });
    return { ok: true as const };
  }),
  route(removeCredentialContract, async ({ params }) => {
    if (await credentials.remove(params.userId)) logger.info("credential removed", { userId: params.userId });
    return undefined;
  }),
];
