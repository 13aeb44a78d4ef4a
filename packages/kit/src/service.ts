import type { Express, Request } from "express";
import { AmqpConnection } from "./amqp";
import { remoteJwks, type KeyResolver } from "./auth";
import { EventConsumer, type EventHandlers } from "./consumer";
import type { RequestContext } from "./context";
import { Lifecycle } from "./lifecycle";
import { createLogger, type Logger, type LogLevel } from "./logger";
import { OutboxRelay, type SqlClient } from "./outbox";
import { prismaReady } from "./prisma";
import { buildFederatedSchema, type FederatedSchemaOptions } from "./schema";
import { startSubgraphServer, type ReadinessChecks, type RunningServer } from "./server";
import type { GraphQLSchema } from "graphql";

/** The environment fields every subgraph has (see `baseEnv`). */
export interface SubgraphEnv {
  NODE_ENV: "development" | "test" | "production";
  LOG_LEVEL: LogLevel;
  HOST: string;
  PORT: number;
  DATABASE_URL: string;
  RABBITMQ_URL: string;
  EVENTS_EXCHANGE: string;
  OUTBOX_RELAY_ENABLED: boolean;
  AUTH_URL: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  METRICS_TOKEN?: string;
  METRICS_OPERATIONS?: string[];
}

/** Waits for work at most `ms`; calls onTimeout when it gives up. */
function within(ms: number, work: Promise<unknown>, onTimeout: () => void): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A service's durable queue, named after the exchange it is bound to, so two stacks on one broker
 * (a dev stack and the end-to-end tests, each with its own exchange) never share a queue.
 */
export const eventQueueName = (exchange: string, service: string) => `${exchange}.${service}`;

export interface PrismaLike extends SqlClient {
  $disconnect(): Promise<void>;
}

/**
 * Services are built before runSubgraph creates the relay; they call `kick` after each commit and
 * runSubgraph attaches the relay, so events go out at once instead of at the next poll.
 */
export class RelayKick {
  relay?: OutboxRelay;
  readonly kick = (): void => this.relay?.kick();
}

export interface SubgraphOptions<C extends RequestContext> extends FederatedSchemaOptions {
  name: string;
  env: SubgraphEnv;
  prisma: PrismaLike;
  logger?: Logger;
  /** Defaults to the auth service's JWKS; the auth service passes its own key store. */
  keys?: KeyResolver;
  context?: (base: RequestContext, req: Request) => C | Promise<C>;
  routes?: (app: Express, deps: { amqp: AmqpConnection; relay?: OutboxRelay }) => void;
  /** Consumed events, by type; the queue is `<exchange>.<name>` (see `eventQueueName`). */
  handlers?: EventHandlers;
  readiness?: ReadinessChecks;
  /** Extra shutdown work (workers, clients) run after the server closes, before AMQP and Prisma. */
  onShutdown?: Array<[string, () => Promise<unknown> | unknown]>;
  /** Attached to the relay once it exists (see RelayKick). */
  relayKick?: RelayKick;
  /** Install SIGTERM/SIGINT handlers (default true; in-process tests pass false and call lifecycle.shutdown()). */
  handleSignals?: boolean;
}

export interface Subgraph {
  server: RunningServer;
  relay?: OutboxRelay;
  consumer?: EventConsumer;
  amqp: AmqpConnection;
  logger: Logger;
  lifecycle: Lifecycle;
  sdl: string;
}

/**
 * The whole `main()` of a subgraph: schema, server with health/ready/metrics, outbox relay,
 * event consumer and a clean SIGTERM shutdown. A newcomer who knows one service knows all.
 */
export async function runSubgraph<C extends RequestContext>(options: SubgraphOptions<C>): Promise<Subgraph> {
  const { env, prisma, name } = options;
  const logger = options.logger ?? createLogger(name, env.LOG_LEVEL);
  const lifecycle = new Lifecycle(logger);
  const amqp = new AmqpConnection(env.RABBITMQ_URL, logger, name);
  // Bounded: after a connection was killed mid-transaction, adapter-pg's pool never finishes ending
  // (measured: $disconnect() never resolves), and shutdown must not hang on it.
  lifecycle.onShutdown("prisma", () => within(3_000, prisma.$disconnect(), () => logger.warn("database pool did not close in time")));
  lifecycle.onShutdown("amqp", () => amqp.close());

  const relay = env.OUTBOX_RELAY_ENABLED
    ? new OutboxRelay({ db: prisma, amqp, exchange: env.EVENTS_EXCHANGE, logger })
    : undefined;
  if (relay) lifecycle.onShutdown("outbox relay", () => relay.stop());
  if (options.relayKick) options.relayKick.relay = relay;
  const consumer = options.handlers
    ? new EventConsumer({ db: prisma, amqp, exchange: env.EVENTS_EXCHANGE, queue: eventQueueName(env.EVENTS_EXCHANGE, name), handlers: options.handlers, logger })
    : undefined;
  if (consumer) lifecycle.onShutdown("event consumer", () => consumer.stop());
  for (const [hookName, hook] of options.onShutdown ?? []) lifecycle.onShutdown(hookName, hook);

  let schema: GraphQLSchema;
  let sdl: string;
  let server: RunningServer;
  try {
    ({ schema, sdl } = await buildFederatedSchema(options));
    server = await startSubgraphServer<C>({
      name,
      host: env.HOST,
      port: env.PORT,
      logger,
      schema,
      verify: {
        keys: options.keys ?? remoteJwks(`${env.AUTH_URL}/.well-known/jwks.json`),
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
      },
      context: options.context,
      readiness: { postgres: prismaReady(prisma), rabbitmq: () => amqp.check(), ...options.readiness },
      routes: (app) => options.routes?.(app, { amqp, relay }),
      introspection: env.NODE_ENV !== "production",
      metricsToken: env.METRICS_TOKEN,
      knownOperations: env.METRICS_OPERATIONS,
    });
  } catch (error) {
    // Close what is already open (Prisma, AMQP, extra hooks such as Redis) so a failed start leaks nothing.
    await lifecycle.shutdown();
    throw error;
  }
  lifecycle.onShutdown("http server", () => server.stop());

  relay?.start();
  await consumer?.start();
  if (options.handleSignals ?? true) lifecycle.listen();
  if (!env.OUTBOX_RELAY_ENABLED) logger.warn("outbox relay disabled: events stay in the outbox until it runs");
  return { server, relay, consumer, amqp, logger, lifecycle, sdl };
}
