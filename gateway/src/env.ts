import { isIP } from "node:net";
import { envBool, envPort, limitsEnv, metricsEnv, parseEnv, redisEnv, z } from "@opsconductor/kit/gateway";

/** An IP address or a CIDR block (`10.0.0.0/8`, `fd00::/8`). */
function isAddressOrBlock(value: string): boolean {
  const [address, bits, extra] = value.split("/");
  const version = isIP(address ?? "");
  if (!version || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

export const envSchema = z.object({
  ...redisEnv,
  ...metricsEnv,
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  PORT: envPort(4000),
  /**
   * Base URLs that replace the supergraph's routing URLs, as JSON: {"auth":"http://10.0.0.5:8001"}.
   * Subgraphs not named keep the routing URL composed from the service registry.
   */
  SUBGRAPH_URLS: z
    .string()
    .default("{}")
    .transform((value, ctx) => {
      try {
        return z.record(z.string().regex(/^[a-z][a-z0-9]*$/), z.string().url()).parse(JSON.parse(value));
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be a JSON object of subgraph name → base URL, e.g. {"auth":"http://auth:8001"}' });
        return z.NEVER;
      }
    }),
  /** Signs the gateway proof every subgraph requires on /graphql (the same token the subgraphs hold). */
  SERVICE_TOKEN: z.string().min(32, "must be at least 32 characters"),
  /**
   * Proxy hops in front of the gateway (comma-separated IPs or CIDRs) whose `x-forwarded-for` is
   * believed; empty (default): the client is the socket address, whatever the request claims.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((list) => list.split(",").map((entry) => entry.trim()).filter(Boolean))
    .refine((entries) => entries.every(isAddressOrBlock), "must be a comma-separated list of IP addresses or CIDR blocks"),
  JWT_ISSUER: z.string().default("opsconductor-auth"),
  JWT_AUDIENCE: z.string().default("opsconductor"),
  /** Defaults to on outside production. */
  INTROSPECTION: envBool.optional(),
  ...limitsEnv,
  /** Open subscriptions' tokens are verified again this often (also per event and at expiry); 0: only then. */
  SUBSCRIPTION_TOKEN_CHECK_SECONDS: z.coerce.number().int().min(0).max(3_600).default(10),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(10_000).default(100),
  SUPERGRAPH_PATH: z.string().optional(),
  /** Life of the web console's "stay signed in" refresh cookie; match auth's REFRESH_TOKEN_TTL_SECONDS. */
  REFRESH_COOKIE_MAX_AGE_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
});
export type Env = z.infer<typeof envSchema>;

export const loadEnv = (source: NodeJS.ProcessEnv = process.env): Env => parseEnv(envSchema, source);

/**
 * Subgraph name → base URL: the supergraph's routing URLs (composed from the registry's ports),
 * with SUBGRAPH_URLS applied on top. Unknown names in SUBGRAPH_URLS are an error, not ignored.
 */
export function subgraphUrls(env: Env, supergraphSdl: string): Record<string, string> {
  const routed: Record<string, string> = {};
  for (const match of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) {
    routed[match[1]] = match[2].replace(/\/graphql$/, "");
  }
  for (const name of Object.keys(env.SUBGRAPH_URLS)) {
    if (!(name in routed)) throw new Error(`SUBGRAPH_URLS names ${name}, which is not a subgraph of the supergraph`);
  }
  return { ...routed, ...env.SUBGRAPH_URLS };
}
