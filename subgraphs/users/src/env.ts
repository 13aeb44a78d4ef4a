import { baseEnv, envPort, parseEnv, z } from "@opsconductor/kit";

export const envSchema = z.object({
  ...baseEnv,
  PORT: envPort(8002),
});
export type Env = z.infer<typeof envSchema>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  return parseEnv(envSchema, source);
}

/** The seed only touches the database, so it needs neither a service token nor a port. */
export const seedEnvSchema = z.object({
  DATABASE_URL: baseEnv.DATABASE_URL,
  LOG_LEVEL: baseEnv.LOG_LEVEL,
});
export type SeedEnv = z.infer<typeof seedEnvSchema>;

export function loadSeedEnv(source: NodeJS.ProcessEnv = process.env): SeedEnv {
  return parseEnv(seedEnvSchema, source);
}
