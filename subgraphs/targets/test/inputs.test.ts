import { PERMISSIONS } from "@opsconductor/kit/subgraph";
import { outboxEvents, probeSchemaStringInputs } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { startTargets, suffix, traces, type Harness } from "./harness";

/**
 * Every String/ID input of the targets schema, generated from the schema itself (a field added later
 * is covered without editing this file), refuses what PostgreSQL cannot store before any resolver runs.
 */
describe("targets subgraph input guard", () => {
  let h: Harness;
  let token: string;
  const marker = `probe-${suffix()}`;

  beforeAll(async () => {
    h = await startTargets();
    token = h.signer.sign({ id: randomUUID(), username: "input-prober", permissions: [...PERMISSIONS] });
  });
  afterAll(() => h?.stop());

  it("refuses a NUL byte or a lone surrogate in every String/ID input as BAD_USER_INPUT naming the path, writing nothing", async () => {
    const expected = [
      "Query.targets filter.search", "Query.targets filter.tags[2]", "Query.target id",
      "Mutation.createTarget input.name", "Mutation.createTarget input.tags[2]", "Mutation.updateTarget input.description", "Mutation.deleteTarget id",
    ];
    const send = (query: string, variables: Record<string, unknown>) => h.graphql(query, variables, { token });
    expect(await probeSchemaStringInputs(h.subgraph.schema, marker, expected, send)).toEqual({ notFound: [], misses: [] });
    expect(await traces(h.db, marker)).toEqual({ targets: 0, outbox: 0 });
    expect(await outboxEvents(h.db, { contains: marker })).toEqual([]);
  });

  it("bounds the tags filter and long strings", async () => {
    const query = "query($filter: TargetFilter) { targets(filter: $filter) { total } }";
    const tags = Array.from({ length: 60_000 }, (_, index) => `tag${index}`);
    const many = await h.graphql(query, { filter: { tags } }, { token });
    expect(many.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.tags" });
    const long = await h.graphql(query, { filter: { search: "x".repeat(100_001) } }, { token });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.search" });
    const fine = await h.graphql(query, { filter: { tags: tags.slice(0, 1_000), search: "😀" } }, { token });
    expect(fine.errors).toBeUndefined();
  });
});
