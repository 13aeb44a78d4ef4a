import { buildSchema } from "graphql";
import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { probeStringInputs, stringInputCases } from "@opsconductor/kit/testing";
import { gql, loginAsAdmin, stack, unique } from "./stack";

/** Outbox rows mentioning `marker`, across every service's database. */
async function outboxMentions(marker: string): Promise<number> {
  let total = 0;
  for (const env of Object.values(stack().envs)) {
    if (!env.DATABASE_URL) continue;
    const client = new Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_events WHERE strpos(payload::text, $1) > 0", [marker]);
      total += rows[0]!.n;
    } finally {
      await client.end();
    }
  }
  return total;
}

describe("unstorable input through the gateway", () => {
  it("every String/ID input of the client-facing schema refuses a NUL byte or a lone surrogate as BAD_USER_INPUT naming the path; nothing is written", async () => {
    const schema = buildSchema(fs.readFileSync(path.join(__dirname, "../../schema.graphql"), "utf8"));
    const marker = unique("probe");
    const cases = stringInputCases(schema, marker);
    expect(cases.map((testCase) => `${testCase.field} ${testCase.path}`)).toEqual(
      expect.arrayContaining(["Mutation.login password", "Mutation.createTarget input.name", "Query.targets filter.tags[2]", "Query.users filter.search"]),
    );
    const token = (await loginAsAdmin()).accessToken;
    expect(await probeStringInputs((query, variables) => gql(query, variables, token), cases)).toEqual([]);
    expect(await outboxMentions(marker)).toBe(0);
  });

  it("refuses a filter of 60,000 tags as BAD_USER_INPUT on filter.tags", async () => {
    const token = (await loginAsAdmin()).accessToken;
    const tags = Array.from({ length: 60_000 }, (_, index) => `t${index}`);
    const response = await gql("query($f: TargetFilter) { targets(filter: $f) { total } }", { f: { tags } }, token);
    expect(response.errors?.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: "BAD_USER_INPUT", field: "filter.tags" })]);
  });
});
