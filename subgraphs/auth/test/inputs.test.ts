import { outboxEvents, probeStringInputs, stringInputCases } from "@opsconductor/kit/testing";
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
    const cases = stringInputCases(h.auth.schema, marker);
    expect(cases.map((testCase) => `${testCase.field} ${testCase.path}`)).toEqual(
      expect.arrayContaining([
        "Mutation.login username",
        "Mutation.login password",
        "Mutation.refreshToken token",
        "Mutation.logout refreshToken",
        "Mutation.changePassword newPassword",
      ]),
    );
    const misses = await probeStringInputs((query, variables) => h.graphql(query, variables, { token }), cases);
    expect(misses).toEqual([]);
    expect(await outboxEvents(h.auth.prisma, { contains: marker })).toEqual([]);
    // The session still works: no probe reached logout or changePassword.
    expect((await login(h, user.username, user.password)).data?.login.accessToken).toBeTruthy();
  });

  it("refuses a password longer than the string bound as BAD_USER_INPUT on password", async () => {
    const response = await login(h, marker, "p".repeat(100_001));
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "password" });
  });
});
