import type { RunningOf } from "@opsconductor/kit/subgraph";
import { createTestSigner, errorCodes, startTestSubgraph, subgraphClient, type SubgraphClient } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import auditSubgraph from "../src/subgraph";

const QUERY = "query { auditItems(pagination: { limit: 100 }) { total items { id name createdAt } } }";

describe("audit subgraph", () => {
  const signer = createTestSigner();
  let subgraph: RunningOf<typeof auditSubgraph>;
  /** Calls the subgraph as the gateway does (with its proof). */
  let gql: SubgraphClient;
  beforeAll(async () => {
    subgraph = await startTestSubgraph(auditSubgraph, { keys: signer.keys });
    gql = subgraphClient(subgraph);
  });
  afterAll(() => subgraph.stop());

  it("refuses a caller without a token", async () => {
    expect(errorCodes(await gql(QUERY))).toEqual(["UNAUTHENTICATED"]);
  });

  it("lists stored items with their total for a signed-in caller", async () => {
    const name = `item-${randomUUID()}`;
    await subgraph.prisma.auditItem.create({ data: { name } });
    const result = await gql<{ auditItems: { total: number; items: Array<{ name: string }> } }>(QUERY, {}, { token: signer.sign({ id: randomUUID() }) });
    expect(result.errors).toBeUndefined();
    expect(result.data?.auditItems.items.map((item) => item.name)).toContain(name);
    expect(result.data?.auditItems.total).toBeGreaterThanOrEqual(1);
  });
});
