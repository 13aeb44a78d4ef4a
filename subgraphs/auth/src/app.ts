import {
  createLogger,
  createRedis,
  parseKey,
  RelayKick,
  runSubgraph,
  TokenRevocations,
  type KeyResolver,
  type Logger,
  type Subgraph,
} from "@opsconductor/kit";
import { AuthService } from "./auth/auth.service";
import { LoginThrottle, loginThrottlePolicy } from "./auth/login-throttle";
import type { AppContext } from "./context";
import { credentialRoutes } from "./credential/credential.routes";
import { CredentialService } from "./credential/credential.service";
import { createPrisma, type PrismaClient } from "./db";
import type { Env } from "./env";
import { eventHandlers } from "./events";
import { ProfileClient } from "./profile/profile.client";
import { jwksRoutes } from "./token/jwks.routes";
import { RefreshTokenService } from "./token/refresh-token.service";
import { SigningKeyService } from "./token/signing-key.service";
import { authSchema } from "./schema";

export interface StartOverrides {
  /** Extra keys accepted besides the service's own (in-process tests pass a createTestSigner resolver). */
  keys?: KeyResolver;
  handleSignals?: boolean;
  logger?: Logger;
  /**
   * Consume the users service's events (default true). Tests on a shared broker pass false, so they
   * do not take events meant for a running auth service; they call the handlers directly.
   */
  consumeEvents?: boolean;
}

export type AuthSubgraph = Subgraph & { prisma: PrismaClient; revocations: TokenRevocations };

export async function start(env: Env, overrides: StartOverrides = {}): Promise<AuthSubgraph> {
  const logger = overrides.logger ?? createLogger("auth", env.LOG_LEVEL);
  const prisma = createPrisma(env.DATABASE_URL);
  const signingKeys = new SigningKeyService(prisma, parseKey(env.AUTH_SECRETS_KEY), logger);
  try {
    await signingKeys.init();
  } catch (error) {
    await prisma.$disconnect();
    throw error;
  }

  const redis = createRedis(env.REDIS_URL, logger);
  const revocations = new TokenRevocations(redis, env.REDIS_KEY_PREFIX, env.ACCESS_TOKEN_TTL_SECONDS + 60);

  const relayKick = new RelayKick();

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
    afterCommit: relayKick.kick,
    revocations,
    throttle: new LoginThrottle(redis, env.REDIS_KEY_PREFIX, loginThrottlePolicy(env)),
  });
  const credentials = new CredentialService(prisma);

  // Auth verifies its own tokens from its key table instead of fetching its own JWKS over HTTP.
  const extraKeys = overrides.keys;
  const keys: KeyResolver = extraKeys
    ? async (kid) => (await signingKeys.resolver(kid)) ?? extraKeys(kid)
    : signingKeys.resolver;

  const subgraph = await runSubgraph<AppContext>({
    name: "auth",
    env,
    prisma,
    logger,
    keys,
    ...authSchema,
    context: (base) => ({ ...base, auth }),
    routes: (app) => {
      jwksRoutes(app, signingKeys);
      credentialRoutes(app, { serviceToken: env.SERVICE_TOKEN, credentials, logger });
    },
    handlers: overrides.consumeEvents === false ? undefined : eventHandlers(revocations),
    readiness: { redis: () => redis.ping() },
    onShutdown: [["redis", () => redis.disconnect()]],
    handleSignals: overrides.handleSignals,
    relayKick,
  });
  return Object.assign(subgraph, { prisma, revocations });
}
