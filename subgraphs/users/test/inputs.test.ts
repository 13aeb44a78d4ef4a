import "reflect-metadata";
import { randomBytes, randomUUID } from "node:crypto";
import { createCredentialContract, PERMISSIONS, removeCredentialContract, route, type RunningOf } from "@opsconductor/kit/subgraph";
import {
  createTestSigner,
  fakeInternalService,
  outboxEvents,
  probeSchemaStringInputs,
  subgraphClient,
  startTestSubgraph,
} from "@opsconductor/kit/testing";
import usersSubgraph from "../src/subgraph";

/**
 * Every String/ID input of the users schema, generated from the schema itself (a field added later is
 * covered without editing this file), refuses what PostgreSQL cannot store before any resolver runs:
 * no row, no event, no call to auth.
 */
describe("users subgraph input guard", () => {
  const SERVICE_TOKEN = randomBytes(24).toString("hex");
  const signer = createTestSigner();
  const marker = `probe${randomBytes(4).toString("hex")}`;
  const token = signer.sign({ id: randomUUID(), username: "input-prober", permissions: [...PERMISSIONS] });
  let fakeAuth: Awaited<ReturnType<typeof fakeInternalService>>;
  let subgraph: RunningOf<typeof usersSubgraph>;

  beforeAll(async () => {
    fakeAuth = await fakeInternalService({
      serviceToken: SERVICE_TOKEN,
      routes: [route(createCredentialContract, async () => ({ ok: true as const })), route(removeCredentialContract, async () => undefined)],
    });
    subgraph = await startTestSubgraph(usersSubgraph, {
      env: { SERVICE_TOKEN, AUTH_URL: fakeAuth.url, RABBITMQ_URL: "amqp://guest:guest@127.0.0.1:1" },
      keys: signer.keys,
    });
  });
  afterAll(async () => {
    await subgraph?.stop();
    await fakeAuth?.close();
  });

  it("refuses a NUL byte or a lone surrogate in every String/ID input as BAD_USER_INPUT naming the path, writing nothing", async () => {
    const expected = [
      "Query.users filter.search", "Query.user id",
      "Mutation.createUser input.username", "Mutation.createUser input.password", "Mutation.updateUser input.displayName", "Mutation.deleteUser id",
    ];
    const send = (query: string, variables: Record<string, unknown>) => subgraphClient(subgraph)(query, variables, { token });
    expect(await probeSchemaStringInputs(subgraph.schema, marker, expected, send)).toEqual({ notFound: [], misses: [] });
    expect(await subgraph.prisma.user.count({ where: { OR: [{ username: { contains: marker } }, { displayName: { contains: marker } }] } })).toBe(0);
    expect(await outboxEvents(subgraph.prisma, { contains: marker })).toEqual([]);
    expect(fakeAuth.calls).toEqual([]);
  });

  it("refuses a search longer than the string bound", async () => {
    const response = await subgraphClient(subgraph)("query($f: UserFilter) { users(filter: $f) { total } }", { f: { search: "a".repeat(100_001) } }, { token });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.search" });
  });
});
