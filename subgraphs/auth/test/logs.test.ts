import { createLogger } from "@opsconductor/kit/subgraph";
import { createUser, login, loginOk, refreshOk, SERVICE_TOKEN, startHarness, type Harness } from "./support";

interface LogRecord {
  level: string;
  msg: string;
}

/**
 * Leaks happen in info and debug lines, which the other auth tests never read (their harness is
 * silent): this one runs auth at debug, goes through every path that handles a password or token,
 * and checks the captured lines.
 */
describe("auth logs at debug level", () => {
  const lines: string[] = [];
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ LOGIN_MAX_ATTEMPTS: "1" }, { logger: createLogger("auth", "debug", (line) => lines.push(line)) });
  });
  afterAll(() => h?.stop());

  it("carry no password, token, service secret or password hash", async () => {
    const user = await createUser(h);
    const first = await loginOk(h, user);
    const refreshed = await refreshOk(h, first.refreshToken);
    const newPassword = `${user.password}-changed`;
    const changed = await h.graphql(
      "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }",
      { c: user.password, n: newPassword },
      { token: refreshed.accessToken },
    );
    expect(changed.errors).toBeUndefined();
    const second = await loginOk(h, { username: user.username, password: newPassword });
    const logout = await h.graphql("mutation($t: String) { logout(refreshToken: $t) }", { t: second.refreshToken }, { token: second.accessToken });
    expect(logout.errors).toBeUndefined();
    // A mistyped password is often someone's real one; the second failure is throttled (logged at debug).
    const wrongPassword = `${user.password}-typo`;
    expect((await login(h, user.username, wrongPassword)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await login(h, user.username, wrongPassword)).errors?.[0]?.extensions?.code).toBe("TOO_MANY_REQUESTS");

    const records = lines.map((line) => JSON.parse(line) as LogRecord);
    // The haystack is real: debug and info lines were written, including the throttling decision.
    expect(records.some((record) => record.level === "debug" && record.msg === "login throttled")).toBe(true);
    expect(records.some((record) => record.level === "info")).toBe(true);
    const text = lines.join("");
    const secrets = {
      password: user.password,
      newPassword,
      wrongPassword,
      accessToken: first.accessToken,
      refreshToken: first.refreshToken,
      rotatedRefreshToken: refreshed.refreshToken,
      secondAccessToken: second.accessToken,
      serviceToken: SERVICE_TOKEN,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      if (text.includes(secret)) throw new Error(`the ${name} appears in auth's logs`);
    }
    expect(text).not.toMatch(/\$argon2(id|i|d)\$/);
  });
});
