import { envBool, envPort, metricsEnv, parseEnv, redisEnv, z } from "@opsconductor/kit";

export const envSchema = z.object({
  ...redisEnv,
  ...metricsEnv,
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  PORT: envPort(4000),
  AUTH_URL: z.string().url().default("http://127.0.0.1:8001"),
  USERS_URL: z.string().url().default("http://127.0.0.1:8002"),
  TARGETS_URL: z.string().url().default("http://127.0.0.1:8003"),
  JWT_ISSUER: z.string().default("opsconductor-auth"),
  JWT_AUDIENCE: z.string().default("opsconductor"),
  /** Defaults to on outside production. */
  INTROSPECTION: envBool.optional(),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  MAX_ALIASES: z.coerce.number().int().min(0).max(200).default(15),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(500).default(50),
  MAX_FRAGMENTS: z.coerce.number().int().min(0).max(500).default(50),
  MAX_TOKENS: z.coerce.number().int().min(100).max(100_000).default(5_000),
  MAX_SELECTIONS: z.coerce.number().int().min(10).max(1_000_000).default(2_000),
  MAX_REPEATED_FIELDS: z.coerce.number().int().min(1).max(1_000).default(8),
  SUPERGRAPH_PATH: z.string().optional(),
});
export type Env = z.infer<typeof envSchema>;

export const loadEnv = (source: NodeJS.ProcessEnv = process.env): Env => parseEnv(envSchema, source);

/** Subgraph name → base URL (the supergraph's routing URLs are overridden by these). */
export const subgraphUrls = (env: Env): Record<string, string> => ({
  auth: env.AUTH_URL,
  users: env.USERS_URL,
  targets: env.TARGETS_URL,
});
