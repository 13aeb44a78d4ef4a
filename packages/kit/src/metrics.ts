import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** One registry per server: Prometheus text at /metrics. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const graphqlOperations = new Counter({
    name: "graphql_operations_total",
    help: "GraphQL operations executed, by operation name and outcome",
    labelNames: ["operation", "outcome"] as const,
    registers: [registry],
  });
  return { registry, httpDuration, graphqlOperations };
}
export type Metrics = ReturnType<typeof createMetrics>;
