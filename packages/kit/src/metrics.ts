import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** A subgraph fetch planned by the gateway is named `<operation>__<subgraph>__<n>`. */
const PLANNED_FETCH_SUFFIX = /__[A-Za-z0-9_]+__\d+$/;

/**
 * The `operation` label of a GraphQL operation. Names are chosen by clients, so only the allow-listed
 * ones become label values; every other name is `other` (a bounded number of series whatever
 * clients send). A subgraph sees the gateway's planned fetch names and labels them by the client's
 * operation name when that one is known.
 */
export function operationLabeller(known: Iterable<string> = []): (name: string | null | undefined) => string {
  const allowed = new Set(known);
  return (name) => {
    if (!name) return "anonymous";
    if (allowed.has(name)) return name;
    const planned = name.replace(PLANNED_FETCH_SUFFIX, "");
    return planned !== name && allowed.has(planned) ? planned : "other";
  };
}

export interface MetricsOptions {
  /** Operation names labelled as themselves in graphql_operations_total; any other name counts as `other`. */
  knownOperations?: Iterable<string>;
}

/** One registry per server: Prometheus text at /metrics. */
export function createMetrics(service: string, options: MetricsOptions = {}) {
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
    help: "GraphQL operations executed, by known operation name (others as `other`) and outcome",
    labelNames: ["operation", "outcome"] as const,
    registers: [registry],
  });
  return { registry, httpDuration, graphqlOperations, operationLabel: operationLabeller(options.knownOperations) };
}
export type Metrics = ReturnType<typeof createMetrics>;
