import { defineSubgraph, internalRoutes, pgAdapter } from "@opsconductor/kit/subgraph";
import type { UsersContext } from "./context";
import { envSchema } from "./env";
import { onLoginSucceeded } from "./events/auth.login.succeeded";
import { PrismaClient } from "./generated/prisma/client";
import { usersSchema } from "./schema";
import { ensureAdminUser, SEED_MESSAGES } from "./seed";
import { authCredentialsClient } from "./user/credentials.client";
import { internalUserRoutes } from "./user/user.internal";
import { createUserLoaders } from "./user/user.loader";
import { UserService } from "./user/user.service";

/** The users subgraph: users, roles and permissions. Credentials live in auth. */
export default defineSubgraph({
  name: "users",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: usersSchema,
  services: ({ env, prisma, logger, transaction }) => ({
    users: new UserService({ prisma, logger, transaction, credentials: authCredentialsClient(env.AUTH_URL, env.SERVICE_TOKEN) }),
    loaders: () => createUserLoaders(prisma),
  }),
  context: (base, { users, loaders }): UsersContext => ({ ...base, users, loaders: loaders() }),
  routes: (app, { users }, { env, logger }) => internalRoutes(app, { serviceToken: env.SERVICE_TOKEN, logger, routes: internalUserRoutes(users) }),
  handlers: () => ({ "auth.login.succeeded": onLoginSucceeded }),
  async seed({ prisma }) {
    const outcome = await ensureAdminUser(prisma);
    if (outcome === "blocked") throw new Error(SEED_MESSAGES.blocked);
    return SEED_MESSAGES[outcome];
  },
});
