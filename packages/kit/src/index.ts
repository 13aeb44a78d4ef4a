// Core: what every process may load (no Prisma, AMQP, type-graphql, Express server or Apollo).
// Subgraphs import `@opsconductor/kit/subgraph`, the gateway `@opsconductor/kit/gateway`, tests `@opsconductor/kit/testing`.
export * from "./auth";
export * from "./context";
export * from "./contracts";
export * from "./crypto";
export * from "./env";
export * from "./errors";
export * from "./events";
export * from "./http-errors";
export * from "./ids";
export * from "./internal";
export * from "./live";
export * from "./lifecycle";
export * from "./logger";
export * from "./permissions";
export * from "./placeholders";
export * from "./text";
export * from "./proof";
