import { pgAdapter, RelayKick, runSubgraph, type KeyResolver, type Logger, type Subgraph } from "@opsconductor/kit";
import { createContext, type TargetsContext } from "./context";
import type { Env } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { targetsSchema } from "./schema";
import { TargetService } from "./target/target.service";

export interface StartOverrides {
  /** Token verification keys; defaults to the auth service's JWKS (tests pass a createTestSigner's keys). */
  keys?: KeyResolver;
  handleSignals?: boolean;
  logger?: Logger;
}

/** Wires Prisma, the service and the subgraph server; returns the running subgraph. */
export async function start(env: Env, overrides: StartOverrides = {}): Promise<Subgraph> {
  const prisma = new PrismaClient({ adapter: pgAdapter(env.DATABASE_URL) });
  const relayKick = new RelayKick();
  const targets = new TargetService(prisma, relayKick.kick);
  return runSubgraph<TargetsContext>({
    name: "targets",
    env,
    prisma,
    logger: overrides.logger,
    keys: overrides.keys,
    handleSignals: overrides.handleSignals,
    ...targetsSchema,
    context: (base) => createContext(base, targets),
    relayKick,
  });
}
