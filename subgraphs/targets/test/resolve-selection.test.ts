import { callInternal, internalCall, InternalCallError, resolveTargetSelectionContract } from "@opsconductor/kit";
import { randomUUID } from "node:crypto";
import { startTargets, suffix, type Harness } from "./harness";

/** POST /internal/targets/resolve: the live targets a job's selection (ids, tags, saved group) names now. */

let h: Harness;
let operator: string;
const base = () => `http://127.0.0.1:${h.subgraph.port}`;

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await h.graphql<T>(query, variables, { token: operator });
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}
const loopback = () => {
  const bytes = randomUUID().replace(/-/g, "").slice(0, 6);
  return `127.${parseInt(bytes.slice(0, 2), 16)}.${parseInt(bytes.slice(2, 4), 16)}.${parseInt(bytes.slice(4, 6), 16) || 1}`;
};
async function createTarget(name: string, tags: string[] = []): Promise<string> {
  const data = await call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
    input: { name, address: loopback(), tags },
  });
  return data.createTarget.id;
}
const resolve = (body: { targetIds?: string[]; tags?: string[]; groupId?: string | null }, serviceToken = h.subgraph.env.SERVICE_TOKEN) =>
  callInternal(base(), resolveTargetSelectionContract, {
    serviceToken,
    body: { targetIds: body.targetIds ?? [], tags: body.tags ?? [], groupId: body.groupId ?? null },
  });

beforeAll(async () => {
  h = await startTargets();
  operator = h.signer.sign({ id: randomUUID(), username: "op", permissions: ["targets:read", "targets:write"] });
}, 60_000);
afterAll(() => h?.stop());

describe("resolving a target selection for executions", () => {
  it("returns the union of ids, tag matches (every tag) and a saved group's members, each once, and reports missing ids", async () => {
    const tag = `sel-${suffix()}`;
    const other = `sel-${suffix()}`;
    const byId = await createTarget(`id-${suffix()}`);
    const tagged = await createTarget(`tagged-${suffix()}`, [tag, other]);
    const oneTagOnly = await createTarget(`one-${suffix()}`, [tag]);
    const groupTag = `grp-${suffix()}`;
    const inGroup = await createTarget(`grp-${suffix()}`, [groupTag]);
    const group = await call<{ createSavedGroup: { id: string } }>("mutation($input: SavedGroupInput!) { createSavedGroup(input: $input) { id } }", {
      input: { name: `g-${suffix()}`, filter: { tags: [groupTag] } },
    });
    const missing = randomUUID();
    const reply = await resolve({ targetIds: [byId, tagged, missing], tags: [tag, other], groupId: group.createSavedGroup.id });
    expect(reply.targets.map((target) => target.id).sort()).toEqual([byId, tagged, inGroup].sort());
    expect(reply.targets.map((target) => target.id)).not.toContain(oneTagOnly);
    expect(reply.missingIds).toEqual([missing]);
    expect(reply.targets.find((target) => target.id === byId)).toMatchObject({ name: expect.stringMatching(/^id-/), address: expect.stringMatching(/^127\./) });
  });

  it("leaves out deleted targets and reports them as missing", async () => {
    const id = await createTarget(`del-${suffix()}`);
    await call("mutation($id: ID!) { deleteTarget(id: $id) }", { id });
    expect(await resolve({ targetIds: [id] })).toEqual({ targets: [], missingIds: [id] });
  });

  it("refuses an unknown saved group, a bad id and a caller without the service token", async () => {
    await expect(resolve({ groupId: randomUUID() })).rejects.toMatchObject({ status: 404, failure: { field: "groupId" } });
    const bad = internalCall(`${base()}/internal/targets/resolve`, { serviceToken: h.subgraph.env.SERVICE_TOKEN, body: { targetIds: ["nope"], tags: [], groupId: null } });
    await expect(bad).rejects.toBeInstanceOf(InternalCallError);
    await expect(bad).rejects.toMatchObject({ status: 400, failure: { field: "targetIds.0" } });
    await expect(resolve({ tags: ["x"] }, "x".repeat(40))).rejects.toMatchObject({ status: 401 });
  });

  it("answers an empty selection with no targets", async () => {
    expect(await resolve({})).toEqual({ targets: [], missingIds: [] });
  });
});
