import { z } from "zod";

/**
 * Parses the environment once. Every problem is printed together and the process exits non-zero,
 * so an operator fixes a misconfiguration in one go instead of one variable per restart.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env, exit = true): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  const message = `Invalid environment:\n${lines.join("\n")}`;
  if (!exit) throw new Error(message);
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

/** Who may read /metrics and which operation names label its series (subgraphs and the gateway). */
export const metricsEnv = {
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Comma-separated operation names that label GraphQL metrics as themselves; others count as `other`. */
  METRICS_OPERATIONS: z
    .string()
    .default("")
    .transform((list) => list.split(",").map((name) => name.trim()).filter(Boolean)),
};

/**
 * Query limits (see limits.ts), the same variables and defaults for the gateway and every subgraph:
 * a subgraph reached by a sibling, or by a gateway with other settings, still bounds what a document costs.
 */
export const limitsEnv = {
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  MAX_ALIASES: z.coerce.number().int().min(0).max(200).default(15),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(500).default(50),
  MAX_FRAGMENTS: z.coerce.number().int().min(0).max(500).default(50),
  MAX_TOKENS: z.coerce.number().int().min(100).max(100_000).default(5_000),
  MAX_SELECTIONS: z.coerce.number().int().min(10).max(1_000_000).default(2_000),
  MAX_REPEATED_FIELDS: z.coerce.number().int().min(1).max(1_000).default(8),
};

/** For processes that use Redis (every subgraph checks token revocations there; auth and the gateway too). */
export const redisEnv = {
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  /** Prefix of every key, so stacks sharing one Redis (dev, tests, benchmark) stay apart. */
  REDIS_KEY_PREFIX: z.string().default("opsc:"),
};

/** Variables every subgraph reads. Services extend this with their own. */
export const baseEnv = {
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  // No defaults for ports or sibling URLs: those facts live in the service registry
  // (subgraphs/<name>/service.json), and the launcher and compose file pass them.
  PORT: z.coerce.number().int().min(0).max(65535),
  DATABASE_URL: z.string().url(),
  RABBITMQ_URL: z.string().url().default("amqp://guest:guest@127.0.0.1:5672"),
  EVENTS_EXCHANGE: z.string().default("opsconductor.events"),
  OUTBOX_RELAY_ENABLED: bool.default(true),
  AUTH_URL: z.string().url(),
  JWT_ISSUER: z.string().default("opsconductor-auth"),
  JWT_AUDIENCE: z.string().default("opsconductor"),
  SERVICE_TOKEN: z.string().min(32, "must be at least 32 characters"),
  ...metricsEnv,
  ...redisEnv,
  ...limitsEnv,
};

export const envBool = bool;
/** A TCP port; 0 asks the OS for a free one (in-process tests). */
export const envPort = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
/** A sibling service's base URL (`<NAME>_URL`, set by the launcher from the registry). */
export const serviceUrl = () => z.string().url();
export { z };
