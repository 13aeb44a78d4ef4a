import { baseEnv, envPort, parseEnv, z } from "@opsconductor/kit";

export const envSchema = z.object({
  ...baseEnv,
  PORT: envPort(8003),
});
export type Env = z.infer<typeof envSchema>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  return parseEnv(envSchema, source);
}

/** The seed script only needs the database. */
export const seedEnvSchema = z.object({ DATABASE_URL: baseEnv.DATABASE_URL });
export type SeedEnv = z.infer<typeof seedEnvSchema>;

export function loadSeedEnv(source: NodeJS.ProcessEnv = process.env): SeedEnv {
  return parseEnv(seedEnvSchema, source);
}
