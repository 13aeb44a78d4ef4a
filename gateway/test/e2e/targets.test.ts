import { errorCodes } from "@opsconductor/kit/testing";
import { createUserAndLogin, gql, loginAsAdmin, unique } from "./stack";

const CREATE = `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id name address port createdBy { id username } } }`;
const LIST = `query($filter: TargetFilter) { targets(filter: $filter, pagination: { limit: 100 }) { total items { id name address port createdBy { username } } } }`;

let adminToken: string;
beforeAll(async () => {
  adminToken = (await loginAsAdmin()).accessToken;
});

async function countTargets(search?: string): Promise<number> {
  const result = await gql<{ targets: { total: number } }>(LIST, { filter: search ? { search } : {} }, adminToken);
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.targets.total;
}

describe("targets through the gateway", () => {
  it("admin creates a target and the list resolves createdBy.username from the users subgraph", async () => {
    const name = unique("web");
    const created = await gql<{ createTarget: { id: string; createdBy: { username: string } } }>(
      CREATE,
      { input: { name, address: "10.20.30.40", port: 2222, tags: ["web"] } },
      adminToken,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createTarget.createdBy.username).toBe("admin");

    const listed = await gql<{ targets: { total: number; items: Array<{ name: string; createdBy: { username: string } }> } }>(LIST, { filter: { search: name } }, adminToken);
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.targets.total).toBe(1);
    expect(listed.data?.targets.items).toEqual([expect.objectContaining({ name, createdBy: { username: "admin" } })]);
  });

  it("rejects bad input naming the field, and writes nothing", async () => {
    const before = await countTargets();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ name: "", address: "10.1.1.1" }, "BAD_USER_INPUT", "input.name"],
      [{ name: unique("bad-addr"), address: "not a host!" }, "BAD_USER_INPUT", "input.address"],
      [{ name: unique("bad-port"), address: "10.1.1.2", port: 70000 }, "BAD_USER_INPUT", "input.port"],
    ];
    for (const [input, code, field] of cases) {
      const result = await gql(CREATE, { input }, adminToken);
      expect(errorCodes(result)).toEqual([code]);
      expect(result.errors?.[0]?.extensions?.field).toBe(field);
      expect(result.errors?.[0]?.message).toContain(field);
    }
    expect(await countTargets()).toBe(before);
  });

  it("rejects a duplicate address and port with CONFLICT naming the field", async () => {
    const address = `${unique("dup").toLowerCase()}.example.test`;
    const first = await gql(CREATE, { input: { name: unique("a"), address, port: 22 } }, adminToken);
    expect(first.errors).toBeUndefined();
    const before = await countTargets();
    const second = await gql(CREATE, { input: { name: unique("b"), address: address.toUpperCase(), port: 22 } }, adminToken);
    expect(errorCodes(second)).toEqual(["CONFLICT"]);
    expect(second.errors?.[0]?.extensions?.field).toBe("address");
    expect(await countTargets()).toBe(before);
  });

  it("a viewer gets FORBIDDEN on createTarget and nothing is written", async () => {
    const viewer = await createUserAndLogin(adminToken, ["VIEWER"]);
    const before = await countTargets();
    const result = await gql(CREATE, { input: { name: unique("v"), address: "10.9.9.9" } }, viewer.accessToken);
    expect(errorCodes(result)).toEqual(["FORBIDDEN"]);
    expect(await countTargets()).toBe(before);
    // The same viewer may read.
    const read = await gql(LIST, {}, viewer.accessToken);
    expect(read.errors).toBeUndefined();
  });
});
