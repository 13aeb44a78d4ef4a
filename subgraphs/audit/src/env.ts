import { baseEnv, z } from "@opsconductor/kit/subgraph";

/**
 * The database role every connection of the service runs as (`SET ROLE` through the connection's
 * startup options): it holds only SELECT and INSERT on the audit tables (see the init migration), so
 * the application cannot UPDATE or DELETE audit rows whatever it sends. Empty: use the login role of
 * DATABASE_URL as it is (production: a login role with the same grants).
 */
const DB_ROLE = /^[a-z_][a-z0-9_]{0,62}$/;

export const withRole = (databaseUrl: string, role: string): string => {
  if (!role) return databaseUrl;
  const url = new URL(databaseUrl);
  url.searchParams.set("options", `-c role=${role}`);
  return url.toString();
};

export const envSchema = z
  .object({
    ...baseEnv,
    AUDIT_DB_ROLE: z.string().regex(DB_ROLE, "must be a plain role name").or(z.literal("")).default("opsc_audit_app"),
    /** Rows older than this are removed by purgeAuditEvents (the chain stays verifiable through a checkpoint). */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
    /** When the worker applies the retention (cron, UTC; 6 fields for seconds); empty: never by itself. */
    AUDIT_RETENTION_CRON: z
      .string()
      .trim()
      .regex(/^$|^(\S+\s+){4,5}\S+$/, "must be a cron pattern of 5 or 6 fields, or empty")
      .default("17 3 * * *"),
    /** Most rows the (deprecated) GraphQL exportAuditEvents returns; the streamed HTTP export has no cap. */
    AUDIT_EXPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
    /** Rows an export reads per query (keyset batch); the stream writes one batch before reading the next. */
    AUDIT_EXPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  })
  .transform((env) => ({ ...env, DATABASE_URL: withRole(env.DATABASE_URL, env.AUDIT_DB_ROLE) }));
export type Env = z.infer<typeof envSchema>;
