import { outboxEvents, probeSchemaStringInputs } from "@opsconductor/kit/testing";
import { createUser, login, startHarness, unique, type Harness } from "./support";

/**
 * Every String/ID input of the auth schema (login, refreshToken, logout, changePassword, and any added
 * later: the table is generated from the schema) refuses what PostgreSQL cannot store before any
 * resolver runs: no login attempt, no event.
 */
describe("auth subgraph input guard", () => {
  let h: Harness;
  const marker = unique("probe");

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it("refuses a NUL byte or a lone surrogate in every String/ID input as BAD_USER_INPUT naming the path, writing nothing", async () => {
    const user = await createUser(h);
    const session = await login(h, user.username, user.password);
    const token = session.data!.login.accessToken;
    const expected = ["Mutation.login username", "Mutation.login password", "Mutation.refreshToken token", "Mutation.logout refreshToken", "Mutation.changePassword newPassword"];
    const send = (query: string, variables: Record<string, unknown>) => h.graphql(query, variables, { token });
    expect(await probeSchemaStringInputs(h.auth.schema, marker, expected, send)).toEqual({ notFound: [], misses: [] });
    expect(await outboxEvents(h.auth.prisma, { contains: marker })).toEqual([]);
    // The session still works: no probe reached logout or changePassword.
    expect((await login(h, user.username, user.password)).data?.login.accessToken).toBeTruthy();
  });

  it("refuses a password longer than the string bound as BAD_USER_INPUT on password", async () => {
    const response = await login(h, marker, "p".repeat(100_001));
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "password" });
  });
});
