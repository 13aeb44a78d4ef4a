import { defineSubgraph, internalRoutes, parseKey, TokenRevocations } from "@opsconductor/kit/subgraph";
import { AuthService } from "./auth/auth.service";
import { LoginThrottle, loginThrottlePolicy } from "./auth/login-throttle";
import type { AppContext } from "./context";
import { credentialRoutes } from "./credential/credential.routes";
import { CredentialService } from "./credential/credential.service";
import { createPrisma } from "./db";
import { envSchema } from "./env";
import { eventHandlers } from "./events";
import { ProfileClient } from "./profile/profile.client";
import { authSchema } from "./schema";
import { seedAdmin, seedReport } from "./seed";
import { jwksRoutes } from "./token/jwks.routes";
import { RefreshTokenService } from "./token/refresh-token.service";
import { SigningKeyService } from "./token/signing-key.service";

/** The auth subgraph: credentials, signing keys (JWKS), sessions and their tokens. */
export default defineSubgraph({
  name: "auth",
  env: envSchema,
  prisma: createPrisma,
  schema: authSchema,
  async services({ env, prisma, logger, transaction, redis }) {
    const signingKeys = new SigningKeyService(prisma, parseKey(env.AUTH_SECRETS_KEY), logger);
    await signingKeys.init();
    const revocations = new TokenRevocations(redis(), env.REDIS_KEY_PREFIX, env.ACCESS_TOKEN_TTL_SECONDS + 60);
    const auth = new AuthService({
      prisma,
      keys: signingKeys,
      refreshTokens: new RefreshTokenService(prisma, env.REFRESH_TOKEN_TTL_SECONDS),
      profiles: new ProfileClient(env.USERS_URL, env.SERVICE_TOKEN),
      settings: {
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
        accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      },
      logger,
      transaction,
      revocations,
      throttle: new LoginThrottle(redis(), env.REDIS_KEY_PREFIX, loginThrottlePolicy(env)),
    });
    return { auth, signingKeys, revocations, credentials: new CredentialService(prisma) };
  },
  context: (base, { auth }): AppContext => ({ ...base, auth }),
  // Auth verifies its own tokens from its key table instead of fetching its own JWKS over HTTP.
  keys: ({ signingKeys }) => signingKeys.resolver,
  routes(app, { signingKeys, credentials }, { env, logger }) {
    jwksRoutes(app, signingKeys);
    internalRoutes(app, { serviceToken: env.SERVICE_TOKEN, logger, routes: credentialRoutes(credentials, logger) });
  },
  handlers: ({ revocations }) => eventHandlers(revocations),
  seed: async ({ prisma, env }) => seedReport(await seedAdmin(prisma, env.OPSCONDUCTOR_ADMIN_PASSWORD)),
});
