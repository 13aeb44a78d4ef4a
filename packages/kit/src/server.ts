import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import express, { type Express } from "express";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { REQUEST_ID_HEADER, requestIdFrom } from "./context";
import { createErrorFormatter } from "./errors";
import { currentRequestId, type Logger, withRequestId } from "./logger";
import { createMetrics, type Metrics } from "./metrics";

export type ReadinessChecks = Record<string, () => Promise<unknown>>;

/** Runs each check with a timeout; returns per-dependency status. */
export async function runChecks(checks: ReadinessChecks, timeoutMs = 2_000) {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), timeoutMs).unref()),
        ]);
        return [name, { ok: true }] as const;
      } catch (error) {
        return [name, { ok: false, error: (error as Error).message }] as const;
      }
    }),
  );
  return { ok: entries.every(([, status]) => status.ok), checks: Object.fromEntries(entries) };
}

function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operationName, errors }) {
          metrics.graphqlOperations.inc({ operation: operationName ?? "anonymous", outcome: errors?.length ? "error" : "ok" });
        },
      };
    },
  };
}

export interface ServiceApp {
  app: Express;
  httpServer: http.Server;
  metrics: Metrics;
}

/**
 * The HTTP side every process shares (subgraphs and the gateway): request ids carried into the
 * logs, request metrics labelled by route, /health, /ready (runs the readiness checks) and /metrics.
 */
export function createServiceApp(name: string, readiness: ReadinessChecks): ServiceApp {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  const httpServer = http.createServer(app);
  const metrics = createMetrics(name);

  app.use((req, res, next) => {
    const requestId = requestIdFrom(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const end = metrics.httpDuration.startTimer({ method: req.method });
    // Label by route pattern or mount point, never the raw path: scanners would create unbounded series.
    res.on("finish", () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || "unmatched";
      end({ route, status: String(res.statusCode) });
    });
    withRequestId(requestId, () => next());
  });
  app.get("/health", (_req, res) => {
    res.json({ status: "ok", service: name });
  });
  app.get("/ready", async (_req, res) => {
    const result = await runChecks(readiness);
    res.status(result.ok ? 200 : 503).json({ status: result.ok ? "ready" : "not ready", service: name, ...result });
  });
  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return { app, httpServer, metrics };
}

/** Apollo Server settings every process shares: masked errors, CSRF prevention, JSON logs, drain, metrics. */
export function apolloDefaults(logger: Logger, { httpServer, metrics }: ServiceApp) {
  return {
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // Lifecycle owns SIGTERM/SIGINT; Apollo re-raising the signal would turn one into two.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger, currentRequestId),
    // Apollo's own messages go through the JSON logger instead of console.
    logger: {
      debug: (message: unknown) => logger.debug(String(message)),
      info: (message: unknown) => logger.info(String(message)),
      warn: (message: unknown) => logger.warn(String(message)),
      error: (message: unknown) => logger.error(String(message)),
    },
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), metricsPlugin(metrics)],
  };
}

/** Listens and returns the port actually bound (port 0 picks a free one). */
export async function listen(httpServer: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, host, () => resolve());
  });
  return (httpServer.address() as AddressInfo).port;
}
