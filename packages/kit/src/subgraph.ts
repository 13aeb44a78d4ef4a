// Everything a subgraph uses. Decorated classes (PaginationInput, Page, UserReference) need the
// metadata polyfill before they load.
import "reflect-metadata";
export * from "./gateway";
export * from "./amqp";
export * from "./bull";
export * from "./consumer";
export * from "./cron";
export * from "./define";
export * from "./internal-routes";
export * from "./outbox";
export * from "./outbox-tables";
export * from "./pagination";
export * from "./prisma";
export * from "./schema";
export * from "./search";
export * from "./subgraph-server";
export * from "./vocabulary";
export * from "./input-types";
export * from "./crud-resolver";
export * from "./env-fields";
export * from "./bull-parts";
export * from "./pick";
export * from "./find-page";
export * from "./selection";
