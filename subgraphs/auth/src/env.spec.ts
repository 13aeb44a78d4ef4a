import { envSchema } from "./env";

const valid = {
  PORT: "8001",
  AUTH_URL: "http://127.0.0.1:8001",
  USERS_URL: "http://127.0.0.1:8002",
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/auth_db",
  SERVICE_TOKEN: "s".repeat(32),
  AUTH_SECRETS_KEY: "ab".repeat(32),
};

describe("auth environment", () => {
  it("has the documented defaults", () => {
    expect(envSchema.parse(valid)).toMatchObject({
      PORT: 8001,
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_SECONDS: 604800,
      LOGIN_MAX_ATTEMPTS: 5,
      LOGIN_IP_MAX_ATTEMPTS: 50,
      LOGIN_BACKOFF_MAX_SECONDS: 300,
    });
  });

  it("requires AUTH_SECRETS_KEY as 64 hex characters", () => {
    const { AUTH_SECRETS_KEY: _omitted, ...withoutKey } = valid;
    expect(envSchema.safeParse(withoutKey).success).toBe(false);
    expect(envSchema.safeParse({ ...valid, AUTH_SECRETS_KEY: "zz".repeat(32) }).success).toBe(false);
    expect(envSchema.safeParse({ ...valid, AUTH_SECRETS_KEY: "ab".repeat(31) }).success).toBe(false);
  });

  it("caps the access-token lifetime at 900 seconds", () => {
    expect(envSchema.safeParse({ ...valid, ACCESS_TOKEN_TTL_SECONDS: "900" }).success).toBe(true);
    expect(envSchema.safeParse({ ...valid, ACCESS_TOKEN_TTL_SECONDS: "901" }).success).toBe(false);
  });

  it("lets the seed run without an admin password (an empty variable is unset), but refuses one that breaks the policy", () => {
    expect(envSchema.parse({ ...valid, OPSCONDUCTOR_ADMIN_PASSWORD: "" }).OPSCONDUCTOR_ADMIN_PASSWORD).toBeUndefined();
    expect(envSchema.safeParse({ ...valid, OPSCONDUCTOR_ADMIN_PASSWORD: "short" }).success).toBe(false);
    expect(envSchema.parse({ ...valid, OPSCONDUCTOR_ADMIN_PASSWORD: "long-enough-pw" }).OPSCONDUCTOR_ADMIN_PASSWORD).toBe("long-enough-pw");
  });
});
