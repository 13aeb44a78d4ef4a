import type { RunningOf } from "@opsconductor/kit/subgraph";
import { createTestSigner, errorCodes, startTestSubgraph, subgraphClient, type SubgraphClient } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import jobsSubgraph from "../src/subgraph";

const QUERY = "query { jobsItems(pagination: { limit: 100 }) { total items { id name createdAt } } }";

describe("jobs subgraph", () => {
  const signer = createTestSigner();
  let subgraph: RunningOf<typeof jobsSubgraph>;
  /** Calls the subgraph as the gateway does (with its proof). */
  let gql: SubgraphClient;
  beforeAll(async () => {
    subgraph = await startTestSubgraph(jobsSubgraph, { keys: signer.keys });
    gql = subgraphClient(subgraph);
  });
  afterAll(() => subgraph.stop());

  it("refuses a caller without a token", async () => {
    expect(errorCodes(await gql(QUERY))).toEqual(["UNAUTHENTICATED"]);
  });

  it("lists stored items with their total for a signed-in caller", async () => {
    const name = `item-${randomUUID()}`;
    await subgraph.prisma.jobsItem.create({ data: { name } });
    const result = await gql<{ jobsItems: { total: number; items: Array<{ name: string }> } }>(QUERY, {}, { token: signer.sign({ id: randomUUID() }) });
    expect(result.errors).toBeUndefined();
    expect(result.data?.jobsItems.items.map((item) => item.name)).toContain(name);
    expect(result.data?.jobsItems.total).toBeGreaterThanOrEqual(1);
  });
});
