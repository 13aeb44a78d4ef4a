import { createLogger, pgAdapter, RelayKick, runSubgraph, type KeyResolver, type Logger, type Subgraph } from "@opsconductor/kit";
import type { UsersContext } from "./context";
import type { Env } from "./env";
import { onLoginSucceeded } from "./events/auth.login.succeeded";
import { PrismaClient } from "./generated/prisma/client";
import { usersSchema } from "./schema";
import { authCredentialsClient } from "./user/credentials.client";
import { mountInternalUserRoutes } from "./user/user.internal";
import { createUserLoaders } from "./user/user.loader";
import { UserService } from "./user/user.service";

export interface StartOverrides {
  /** Token verification keys; tests pass a createTestSigner() resolver instead of the auth JWKS. */
  keys?: KeyResolver;
  handleSignals?: boolean;
  logger?: Logger;
}

export type UsersSubgraph = Subgraph & { prisma: PrismaClient; users: UserService };

export async function start(env: Env, overrides: StartOverrides = {}): Promise<UsersSubgraph> {
  const logger = overrides.logger ?? createLogger("users", env.LOG_LEVEL);
  const prisma = new PrismaClient({ adapter: pgAdapter(env.DATABASE_URL) });
  const relayKick = new RelayKick();
  const users = new UserService({
    prisma,
    credentials: authCredentialsClient(env.AUTH_URL, env.SERVICE_TOKEN),
    logger,
    afterCommit: relayKick.kick,
  });
  const subgraph = await runSubgraph<UsersContext>({
    ...usersSchema,
    name: "users",
    env,
    prisma,
    logger,
    keys: overrides.keys,
    handleSignals: overrides.handleSignals,
    context: (base) => ({ ...base, users, loaders: createUserLoaders(prisma) }),
    routes: (app) => mountInternalUserRoutes(app, { users, serviceToken: env.SERVICE_TOKEN }),
    handlers: { "auth.login.succeeded": onLoginSucceeded },
    relayKick,
  });
  return Object.assign(subgraph, { prisma, users });
}
