import { readFileSync } from "node:fs";
import { parseKey } from "@opsconductor/kit";
import { defineSubgraph, internalRoutes, pgAdapter } from "@opsconductor/kit/subgraph";
import { ConnectivityService } from "./connectivity/connectivity.service";
import { createContext } from "./context";
import { CredentialService } from "./credential/credential.service";
import { Keyring } from "./credential/keyring";
import { DeviceTypeService } from "./device-type/device-type.service";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { deviceTypesRoute, importDiscoveredRoute, targetsByAddressRoute } from "./internal/discovery.routes";
import { connectionBundleRoute, connectionBundlesRoute } from "./internal/connection-bundle.route";
import { credentialTypeRoute, snmpCommunityRoute } from "./internal/snmp-community.route";
import { resolveSelectionRoute } from "./internal/resolve-selection.route";
import { GroupService } from "./group/group.service";
import { TransferService } from "./transfer/transfer.service";
import { MethodService } from "./method/method.service";
import { startHealthChecks } from "./workers/health-check.worker";
import { targetsSchema } from "./schema";
import { seedDemoSsh, seedDemoTargets, seedLocalhostTarget } from "./seed";
import { TargetService } from "./target/target.service";

/** The targets subgraph: the inventory of managed hosts and devices. */
export default defineSubgraph({
  name: "targets",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: targetsSchema,
  async services({ prisma, transaction, env, logger, redis, onShutdown, sql }) {
    const keyring = new Keyring(prisma, parseKey(env.TARGETS_MASTER_KEY));
    // Fail closed: a master key that does not open this database's data keys stops the start.
    await keyring.verify();
    const credentials = new CredentialService(prisma, transaction, keyring);
    const connectivity = new ConnectivityService(prisma, transaction, credentials, logger, {
      timeoutMs: env.CONNECTION_TEST_TIMEOUT_MS,
      warningLatencyMs: env.HEALTH_WARNING_LATENCY_MS,
      concurrency: env.CONNECTION_TEST_CONCURRENCY,
      staleBatchSeconds: env.CONNECTION_TEST_BATCH_STALE_SECONDS,
      live: { redis: redis(), prefix: env.REDIS_KEY_PREFIX },
    });
    if (env.HEALTH_CHECK_INTERVAL_SECONDS > 0) {
      const healthChecks = startHealthChecks(
        { redisUrl: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, intervalSeconds: env.HEALTH_CHECK_INTERVAL_SECONDS, nonLoopback: env.HEALTH_CHECK_NON_LOOPBACK },
        connectivity,
        logger,
      );
      onShutdown("health checks", () => healthChecks.stop());
    }
    onShutdown("connection tests", () => connectivity.stop());
    // Batches interrupted by a crash (of this process or another replica) are finished by the reaper.
    connectivity.start();
    const deviceTypes = new DeviceTypeService(prisma, transaction);
    await deviceTypes.ensureBuiltIns();
    const targets = new TargetService(prisma, transaction, sql());
    return {
      targets,
      groups: new GroupService(prisma, transaction, targets),
      transfer: new TransferService(prisma, transaction, targets),
      credentials,
      methods: new MethodService(prisma, transaction),
      connectivity,
      deviceTypes,
    };
  },
  context: (base, services) => createContext(base, services),
  routes: (app, { credentials, methods }, { env, logger, prisma, transaction, sql }) =>
    internalRoutes(app, {
      serviceToken: env.SERVICE_TOKEN,
      logger,
      routes: [
        connectionBundleRoute(prisma, transaction, credentials),
        connectionBundlesRoute(prisma, transaction, credentials),
        resolveSelectionRoute(prisma, sql()),
        deviceTypesRoute(prisma),
        targetsByAddressRoute(prisma),
        importDiscoveredRoute(prisma, transaction, methods),
        credentialTypeRoute(prisma),
        snmpCommunityRoute(transaction, credentials),
      ],
      // A selection may name up to 10,000 ids.
      bodyLimit: "1mb",
    }),
  async seed({ prisma, transaction, env, sql }) {
    const inserted = await seedDemoTargets(prisma);
    const lines = [inserted ? `targets seed: inserted ${inserted} demo targets` : "targets seed: targets exist, nothing changed"];
    if (env.DEMO_SSH_KEY_FILE && env.DEMO_SSH_PORT && env.DEMO_SSH_USER) {
      const keyring = new Keyring(prisma, parseKey(env.TARGETS_MASTER_KEY));
      await keyring.verify();
      const host = { port: env.DEMO_SSH_PORT, user: env.DEMO_SSH_USER, privateKey: readFileSync(env.DEMO_SSH_KEY_FILE, "utf8") };
      const services = { prisma, credentials: new CredentialService(prisma, transaction, keyring), targets: new TargetService(prisma, transaction, sql()), methods: new MethodService(prisma, transaction) };
      lines.push(await seedDemoSsh(services, host));
    }
    if (env.SEED_LOCALHOST_TARGET && (await seedLocalhostTarget(prisma))) lines.push("targets seed: added the built-in localhost target");
    return lines.join("\n");
  },
});
