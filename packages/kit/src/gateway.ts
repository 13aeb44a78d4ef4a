// What the gateway process needs: the core plus the shared HTTP/Apollo setup, metrics and token recall.
// Deliberately not Prisma, amqplib or type-graphql (a test asserts the gateway loads none of them).
export * from "./index";
export * from "./input-guard";
export * from "./limits";
export * from "./metrics";
export * from "./revocation";
export * from "./graphql-http";
export * from "./server";
