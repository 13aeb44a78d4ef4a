import { callInternal, InternalCallError, parseKey, resolveTargetSelectionContract, userProfileContract } from "@opsconductor/kit";
import { defineSubgraph, pgAdapter } from "@opsconductor/kit/subgraph";
import { ChannelService } from "./channel/channel.service";
import { createContext } from "./context";
import { DeliveryService } from "./delivery/delivery.service";
import { DeliveryQueue } from "./delivery/queue";
import { envSchema } from "./env";
import { eventHandlers } from "./events/on-event";
import { PrismaClient } from "./generated/prisma/client";
import { InboxService } from "./inbox/inbox.service";
import { RuleService } from "./rule/rule.service";
import { notificationsSchema } from "./schema";
import { startDeliveryWorker } from "./workers/delivery.worker";

/** The notifications subgraph: channels, rules, deliveries with retries, the in-app inbox; its worker sends. */
export default defineSubgraph({
  name: "notifications",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: notificationsSchema,
  services({ prisma, transaction, env, logger, redis, onShutdown }) {
    const serviceToken = env.SERVICE_TOKEN;
    const missingUsers = async (ids: string[]) => {
      const missing: string[] = [];
      for (const id of ids) {
        try {
          const profile = await callInternal(env.USERS_URL, userProfileContract, { params: { id }, serviceToken, retries: 2 });
          if (!profile.isActive) missing.push(id);
        } catch (error) {
          if (error instanceof InternalCallError && error.status === 404) missing.push(id);
          else throw error;
        }
      }
      return missing;
    };
    const taggedTargets = async (ids: string[], tags: string[]) => {
      const { targets } = await callInternal(env.TARGETS_URL, resolveTargetSelectionContract, { body: { targetIds: [], tags, groupId: null }, serviceToken, retries: 2 });
      const wanted = new Set(ids.map((id) => id.toLowerCase()));
      return targets.map((target) => target.id).filter((id) => wanted.has(id.toLowerCase()));
    };
    // Made on first use: only the worker's dispatcher queues, so the API process opens no BullMQ connection.
    let queue: DeliveryQueue | undefined;
    const deliveryQueue = () => {
      if (!queue) {
        const made = new DeliveryQueue(env.REDIS_URL, env.REDIS_KEY_PREFIX, logger, { attempts: env.NOTIFICATIONS_MAX_ATTEMPTS + 3, backoffMs: env.NOTIFICATIONS_BACKOFF_MS });
        onShutdown("delivery queue", () => made.close());
        queue = made;
      }
      return queue;
    };
    const channels = new ChannelService(prisma, transaction, parseKey(env.NOTIFICATIONS_SECRETS_KEY), missingUsers);
    const rules = new RuleService(prisma, transaction);
    const inbox = new InboxService(prisma, transaction, redis, env.REDIS_KEY_PREFIX, logger);
    const deliveries = new DeliveryService(
      prisma,
      transaction,
      channels,
      inbox,
      deliveryQueue,
      { maxAttempts: env.NOTIFICATIONS_MAX_ATTEMPTS, sendTimeoutMs: env.NOTIFICATIONS_SEND_TIMEOUT_MS },
      taggedTargets,
      logger,
    );
    return { channels, rules, deliveries, inbox };
  },
  context: (base, services) => createContext(base, services),
  handlers: ({ deliveries }) => eventHandlers(deliveries),
  workers: ({ deliveries }, { env, logger }) => startDeliveryWorker({ env, deliveries, logger }),
});
