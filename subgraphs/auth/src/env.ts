import { baseEnv, serviceUrl, z } from "@opsconductor/kit/subgraph";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./credential/password";

const seconds = (fallback: number, max?: number) => {
  const base = z.coerce.number().int().min(1);
  return (max === undefined ? base : base.max(max)).default(fallback);
};

export const envSchema = z.object({
  ...baseEnv,
  USERS_URL: serviceUrl(),
  AUTH_SECRETS_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters (32 bytes)"),
  // Revocation works through a per-user floor in Redis that lives this long; 15 minutes at most.
  ACCESS_TOKEN_TTL_SECONDS: seconds(900, 900),
  REFRESH_TOKEN_TTL_SECONDS: seconds(7 * 24 * 3600),
  // Login throttling (see LoginThrottlePolicy): failures before back-off per username and per
  // client IP, and the longest back-off. There is no hard lock.
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  LOGIN_IP_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(50),
  LOGIN_BACKOFF_MAX_SECONDS: seconds(300, 3600),
  // Read by the seed only. An empty variable means "not set": the seed then generates a password.
  OPSCONDUCTOR_ADMIN_PASSWORD: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
      .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
      .optional(),
  ),
});
export type Env = z.infer<typeof envSchema>;
