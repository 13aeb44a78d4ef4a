import { errorCodes, outboxEvents, revokeTokens } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { outboxFor, rowXmin, startTargets, suffix, traces, uniqueHost, type Harness } from "./harness";

const FIELDS = "id name address port osType environment tags description createdAt updatedAt createdBy { id }";
const CREATE = `mutation($input: CreateTargetInput!) { createTarget(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateTargetInput!) { updateTarget(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteTarget(id: $id) }`;
const GET = `query($id: ID!) { target(id: $id) { ${FIELDS} } }`;
const LIST = `query($filter: TargetFilter, $pagination: PaginationInput, $sort: TargetSort) {
  targets(filter: $filter, pagination: $pagination, sort: $sort) { total items { id name address } }
}`;
const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Target { id name address port createdBy { id } } }
}`;

interface TargetResult {
  id: string;
  name: string;
  address: string;
  port: number;
  osType: string;
  environment: string;
  tags: string[];
  description: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: { id: string } | null;
}
interface Page {
  total: number;
  items: Array<{ id: string; name: string; address: string }>;
}

let h: Harness;
const operatorId = randomUUID();
let operator: string;
let viewer: string;

beforeAll(async () => {
  h = await startTargets();
  operator = h.signer.sign({ id: operatorId, username: "operator1", roles: ["operator"], permissions: ["targets:read", "targets:write"] });
  viewer = h.signer.sign({ id: randomUUID(), username: "viewer1", roles: ["viewer"], permissions: ["targets:read"] });
});

afterAll(async () => {
  await h.stop();
});

async function create(input: Record<string, unknown>, token = operator): Promise<TargetResult> {
  const result = await h.graphql<{ createTarget: TargetResult }>(CREATE, { input }, { token });
  if (!result.data?.createTarget) throw new Error(`create failed: ${JSON.stringify(result.errors)}`);
  return result.data.createTarget;
}

async function list(variables: Record<string, unknown>, token = operator): Promise<Page> {
  const result = await h.graphql<{ targets: Page }>(LIST, variables, { token });
  if (!result.data?.targets) throw new Error(`list failed: ${JSON.stringify(result.errors)}`);
  return result.data.targets;
}

describe("createTarget", () => {
  it("stores a normalized target with defaults and createdBy as the caller's User reference", async () => {
    const host = uniqueHost("Web");
    const target = await create({ name: "  web-01  ", address: `  ${host.toUpperCase()} `, tags: [" Web ", "NGINX", "web"], description: " front " });
    expect(target).toMatchObject({
      name: "web-01",
      address: host.toLowerCase(),
      port: 22,
      osType: "LINUX",
      environment: "production",
      tags: ["web", "nginx"],
      description: "front",
      createdBy: { id: operatorId },
    });
    expect(Date.parse(target.createdAt)).not.toBeNaN();
    expect(Date.parse(target.updatedAt)).not.toBeNaN();
  });

  it("writes exactly one targets.target.created outbox row in the same transaction as the row", async () => {
    const target = await create({ name: `evt-${suffix()}`, address: uniqueHost(), port: 2222, osType: "WINDOWS", environment: "staging" });
    const events = await outboxFor(h.db, target.id);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe("targets.target.created");
    expect(events[0].payload.actor.userId).toBe(operatorId);
    expect(events[0].payload.subject).toEqual({ type: "Target", id: target.id });
    expect(events[0].payload.data).toEqual({
      id: target.id,
      name: target.name,
      address: target.address,
      port: 2222,
      osType: "WINDOWS",
      environment: "staging",
      tags: [],
    });
    // PostgreSQL stamps every row with the id of the transaction that wrote it.
    expect(events[0].xmin).toBe(await rowXmin(h.db, target.id));
  });

  // $M becomes a fresh marker per run, so "nothing written" can be checked for exactly this attempt.
  it.each([
    [{ name: "", address: "m-$M.example.test" }, "input.name"],
    [{ name: "   ", address: "m-$M.example.test" }, "input.name"],
    [{ name: "bad-address-$M", address: "not a host!" }, "input.address"],
    [{ name: "bad-address-$M", address: "10.0.0.256" }, "input.address"],
    [{ name: "bad-port-$M", address: "m-$M.example.test", port: 70000 }, "input.port"],
    [{ name: "bad-port-$M", address: "m-$M.example.test", port: 0 }, "input.port"],
    [{ name: "bad-env-$M", address: "m-$M.example.test", environment: "Prod Env" }, "input.environment"],
    [{ name: "bad-tag-$M", address: "m-$M.example.test", tags: ["ok", "no spaces"] }, "input.tags"],
    [{ name: "bad-desc-$M", address: "m-$M.example.test", description: "d".repeat(1001) }, "input.description"],
  ])("refuses %j with BAD_USER_INPUT naming %s and writes no row and no event", async (template, field) => {
    const marker = suffix();
    const input = JSON.parse(JSON.stringify(template).replaceAll("$M", marker));
    const result = await h.graphql(CREATE, { input }, { token: operator });
    expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
    expect(result.errors?.[0].extensions?.field).toBe(field);
    expect(result.errors?.[0].message).toContain(field);
    expect(await traces(h.db, marker)).toEqual({ targets: 0, outbox: 0 });
  });

  it("refuses a duplicate address and port with CONFLICT on address, case-insensitively, writing nothing", async () => {
    const host = uniqueHost("dup");
    const first = await create({ name: `dup-${suffix()}`, address: host, port: 22 });
    const marker = suffix();
    const result = await h.graphql(CREATE, { input: { name: `dup-${marker}`, address: host.toUpperCase(), port: 22 } }, { token: operator });
    expect(errorCodes(result)).toEqual(["CONFLICT"]);
    expect(result.errors?.[0].extensions?.field).toBe("address");
    expect(result.errors?.[0].message).toContain(`${host}:22`);
    expect(result.errors?.[0].message).toContain(first.name);
    expect(await traces(h.db, marker)).toEqual({ targets: 0, outbox: 0 });
    expect(await h.db.target.count({ where: { address: host } })).toBe(1);
    // Another port on the same host is a different endpoint.
    await expect(create({ name: `dup-${suffix()}`, address: host, port: 2222 })).resolves.toMatchObject({ port: 2222 });
  });

  it("lets exactly one of several concurrent creates of the same address:port win; the others get CONFLICT", async () => {
    const host = uniqueHost("race");
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => h.graphql(CREATE, { input: { name: `race-${i}`, address: host } }, { token: operator })),
    );
    const codes = results.map((result) => errorCodes(result)[0] ?? "OK").sort();
    expect(codes).toEqual(["CONFLICT", "CONFLICT", "CONFLICT", "CONFLICT", "OK"]);
    // The losers passed the friendly check together; the unique index stopped them, reported the same way.
    for (const result of results.filter((r) => r.errors)) {
      expect(result.errors?.[0].extensions?.field).toBe("address");
      expect(result.errors?.[0].message).toContain(`${host}:22`);
    }
    expect(await h.db.target.count({ where: { address: host } })).toBe(1);
    expect((await outboxEvents(h.db)).filter((event) => event.data.address === host)).toHaveLength(1);
  });

  it("canonicalizes IPv6 addresses so two spellings of one host conflict", async () => {
    const group = (0x1000 + Math.floor(Math.random() * 0xe000)).toString(16);
    await create({ name: `v6-${suffix()}`, address: `2001:DB8:${group}:0:0:0:0:1` });
    const result = await h.graphql(CREATE, { input: { name: `v6-${suffix()}`, address: `2001:db8:${group}::1` } }, { token: operator });
    expect(errorCodes(result)).toEqual(["CONFLICT"]);
    expect(result.errors?.[0].message).toContain(`[2001:db8:${group}::1]:22`);
  });
});

describe("authorization", () => {
  it("gives a viewer (targets:read only) FORBIDDEN on createTarget and writes nothing", async () => {
    const marker = suffix();
    const result = await h.graphql(CREATE, { input: { name: `viewer-${marker}`, address: `v-${marker}.example.test` } }, { token: viewer });
    expect(errorCodes(result)).toEqual(["FORBIDDEN"]);
    expect(await traces(h.db, marker)).toEqual({ targets: 0, outbox: 0 });
    await expect(list({}, viewer)).resolves.toMatchObject({ total: expect.any(Number) });
  });

  it("gives a viewer FORBIDDEN on updateTarget and deleteTarget and changes nothing", async () => {
    const target = await create({ name: `guarded-${suffix()}`, address: uniqueHost() });
    const update = await h.graphql(UPDATE, { id: target.id, input: { name: "renamed" } }, { token: viewer });
    const remove = await h.graphql(DELETE, { id: target.id }, { token: viewer });
    expect(errorCodes(update)).toEqual(["FORBIDDEN"]);
    expect(errorCodes(remove)).toEqual(["FORBIDDEN"]);
    expect(await outboxFor(h.db, target.id)).toHaveLength(1);
    expect((await h.db.target.findUniqueOrThrow({ where: { id: target.id } })).name).toBe(target.name);
  });

  it("answers UNAUTHENTICATED without a token, for queries and mutations", async () => {
    const query = await h.graphql(LIST, {});
    const mutation = await h.graphql(CREATE, { input: { name: "anon", address: uniqueHost() } });
    expect(errorCodes(query)).toEqual(["UNAUTHENTICATED"]);
    expect(errorCodes(mutation)).toEqual(["UNAUTHENTICATED"]);
  });

  it("gives a user without targets:read FORBIDDEN on the list", async () => {
    const nobody = h.signer.sign({ id: randomUUID(), permissions: [] });
    expect(errorCodes(await h.graphql(LIST, {}, { token: nobody }))).toEqual(["FORBIDDEN"]);
  });
});

describe("targets query", () => {
  const tag = `run-${suffix()}`;
  let seeded: TargetResult[];

  beforeAll(async () => {
    seeded = [];
    // Created in this order so createdAt order differs from name order.
    const inputs = [
      { name: "charlie", address: `c-${tag}.example.test`, tags: [tag, "web"], osType: "LINUX", environment: "production", description: "Edge PROXY" },
      { name: "alpha", address: `a-${tag}.example.test`, tags: [tag, "db"], osType: "LINUX", environment: "staging" },
      { name: "Bravo", address: `b-${tag}.example.test`, tags: [tag, "web", "nginx"], osType: "WINDOWS", environment: "production" },
      { name: "delta", address: `d-${tag}.example.test`, tags: [tag, "network"], osType: "NETWORK", environment: "production" },
    ];
    for (const input of inputs) seeded.push(await create(input));
  });

  const names = (page: Page) => page.items.map((item) => item.name);

  it("sorts by name ascending, case-insensitively, by default and counts every match", async () => {
    const page = await list({ filter: { tags: [tag] } });
    expect(page.total).toBe(4);
    expect(names(page)).toEqual(["alpha", "Bravo", "charlie", "delta"]);
  });

  it("sorts by address descending and by creation time", async () => {
    expect(names(await list({ filter: { tags: [tag] }, sort: { field: "ADDRESS", direction: "DESC" } }))).toEqual(["delta", "charlie", "Bravo", "alpha"]);
    expect(names(await list({ filter: { tags: [tag] }, sort: { field: "CREATED_AT", direction: "ASC" } }))).toEqual(["charlie", "alpha", "Bravo", "delta"]);
  });

  it("paginates with offset and limit while total counts all matches", async () => {
    const sort = { field: "ADDRESS", direction: "ASC" };
    const first = await list({ filter: { tags: [tag] }, sort, pagination: { offset: 0, limit: 3 } });
    const second = await list({ filter: { tags: [tag] }, sort, pagination: { offset: 3, limit: 3 } });
    expect(first.total).toBe(4);
    expect(second.total).toBe(4);
    expect([...names(first), ...names(second)]).toEqual(["alpha", "Bravo", "charlie", "delta"]);
  });

  it("still counts every match on a page past the last one", async () => {
    const past = await list({ filter: { tags: [tag] }, pagination: { offset: 10, limit: 3 } });
    expect(past).toEqual({ total: 4, items: [] });
    expect(await list({ filter: { tags: [`none-${tag}`] } })).toEqual({ total: 0, items: [] });
  });

  it("answers the stored timestamps exactly (a page is read with SQL, not Prisma)", async () => {
    const PAGE = `query($filter: TargetFilter) { targets(filter: $filter) { items { id createdAt updatedAt } } }`;
    // Columns are timestamps without a zone, in UTC (run with TZ=America/New_York to see a shift if the
    // page query read them as local time; Jest gives each file its own process.env, so the test cannot set it).
    const page = await h.graphql<{ targets: { items: Array<{ id: string; createdAt: string; updatedAt: string }> } }>(PAGE, { filter: { tags: [tag] } }, { token: viewer });
    const rows = await h.db.target.findMany({ where: { tags: { has: tag } } });
    expect(page.data?.targets.items).toHaveLength(4);
    for (const item of page.data!.targets.items) {
      const row = rows.find((candidate) => candidate.id === item.id)!;
      expect([item.createdAt, item.updatedAt]).toEqual([row.createdAt.toISOString(), row.updatedAt.toISOString()]);
    }
  });

  it("answers every field whatever a query selects on the items: a few, through fragments and aliases, or with field resolvers that read other columns", async () => {
    const byId = new Map(seeded.map((target) => [target.id, target]));
    const page = async <T extends { id: string }>(items: string, fragments = "") => {
      const result = await h.graphql<{ targets: { items: T[] } }>(`query($filter: TargetFilter) { targets(filter: $filter) { items { id ${items} } } } ${fragments}`, { filter: { tags: [tag] } }, { token: viewer });
      expect(result.errors).toBeUndefined();
      expect(result.data!.targets.items).toHaveLength(4);
      return result.data!.targets.items;
    };
    // Only what was asked for, right.
    for (const item of await page<{ id: string; name: string }>("name")) expect(item).toEqual({ id: item.id, name: byId.get(item.id)!.name });
    // Every plain field, split over a named fragment, an inline fragment and aliases.
    const full = await page<TargetResult & { where: string }>("...Plain ... on Target { tags description createdBy { id } } where: address", "fragment Plain on Target { name address port osType environment createdAt updatedAt }");
    for (const item of full) {
      const { where, ...rest } = item;
      expect(rest).toEqual(byId.get(item.id));
      expect(where).toBe(byId.get(item.id)!.address);
    }
    // Field resolvers reading columns a plain selection does not (serial, health): from the same rows as target(id).
    const withResolvers = await page<{ id: string; name: string; serialNumber: string; healthStatus: string; lastCheckedAt: string | null }>("name serialNumber healthStatus lastCheckedAt");
    for (const item of withResolvers) {
      const one = await h.graphql<{ target: Record<string, unknown> }>(`query($id: ID!) { target(id: $id) { id name serialNumber healthStatus lastCheckedAt } }`, { id: item.id }, { token: viewer });
      expect(item).toEqual(one.data!.target);
      expect(item.serialNumber).toMatch(/^TGT-\d{6}$/);
    }
  });

  it("refuses a page size above 100", async () => {
    const result = await h.graphql(LIST, { pagination: { limit: 101 } }, { token: operator });
    expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
    expect(result.errors?.[0].extensions?.field).toBe("pagination.limit");
  });

  it("filters by health, alone or with other criteria", async () => {
    const [charlie, alpha] = seeded;
    await h.db.target.update({ where: { id: charlie!.id }, data: { healthStatus: "CRITICAL" } });
    await h.db.target.update({ where: { id: alpha!.id }, data: { healthStatus: "HEALTHY" } });
    try {
      expect(names(await list({ filter: { tags: [tag], healthStatus: "CRITICAL" } }))).toEqual(["charlie"]);
      expect(names(await list({ filter: { tags: [tag], healthStatus: "UNKNOWN" } }))).toEqual(["Bravo", "delta"]);
      expect(names(await list({ filter: { tags: [tag], healthStatus: "HEALTHY", environment: "staging" } }))).toEqual(["alpha"]);
    } finally {
      await h.db.target.updateMany({ where: { id: { in: [charlie!.id, alpha!.id] } }, data: { healthStatus: "UNKNOWN" } });
    }
  });

  it("filters by all given tags, case-insensitively", async () => {
    expect(names(await list({ filter: { tags: [tag, "web"] } })).sort()).toEqual(["Bravo", "charlie"]);
    expect(names(await list({ filter: { tags: [tag.toUpperCase(), "WEB", "nginx"] } }))).toEqual(["Bravo"]);
  });

  it("filters by environment and osType", async () => {
    expect(names(await list({ filter: { tags: [tag], environment: "staging" } }))).toEqual(["alpha"]);
    expect(names(await list({ filter: { tags: [tag], osType: "LINUX" } }))).toEqual(["alpha", "charlie"]);
    expect(names(await list({ filter: { tags: [tag], osType: "NETWORK", environment: "production" } }))).toEqual(["delta"]);
  });

  it("searches name, address and description case-insensitively", async () => {
    expect(names(await list({ filter: { tags: [tag], search: "BRAV" } }))).toEqual(["Bravo"]);
    expect(names(await list({ filter: { search: `D-${tag}` } }))).toEqual(["delta"]);
    expect(names(await list({ filter: { tags: [tag], search: "proxy" } }))).toEqual(["charlie"]);
    // LIKE wildcards are matched literally.
    expect((await list({ filter: { tags: [tag], search: "%" } })).total).toBe(0);
    expect((await list({ filter: { tags: [tag], search: "a_pha" } })).total).toBe(0);
    expect(names(await list({ filter: { tags: [tag], search: "edge proxy" } }))).toEqual(["charlie"]);
  });

  it("returns one target by id, and null for an unknown or malformed id", async () => {
    const got = await h.graphql<{ target: TargetResult | null }>(GET, { id: seeded[0].id }, { token: viewer });
    expect(got.data?.target).toMatchObject({ id: seeded[0].id, name: "charlie", createdBy: { id: operatorId } });
    const unknown = await h.graphql<{ target: TargetResult | null }>(GET, { id: randomUUID() }, { token: viewer });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.target).toBeNull();
    const malformed = await h.graphql<{ target: TargetResult | null }>(GET, { id: "not-a-uuid" }, { token: viewer });
    expect(malformed.errors).toBeUndefined();
    expect(malformed.data?.target).toBeNull();
  });
});

describe("updateTarget", () => {
  it("changes only the fields sent and writes one targets.target.updated event naming them, in the same transaction", async () => {
    const target = await create({ name: `upd-${suffix()}`, address: uniqueHost(), tags: ["a"], description: "old" });
    const result = await h.graphql<{ updateTarget: TargetResult }>(UPDATE,
      { id: target.id, input: { name: target.name, port: 2200, tags: ["A", "b"], description: null } },
      { token: operator },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.updateTarget).toMatchObject({ name: target.name, address: target.address, port: 2200, tags: ["a", "b"], description: null });
    expect(Date.parse(result.data!.updateTarget.updatedAt)).toBeGreaterThanOrEqual(Date.parse(target.updatedAt));

    const events = await outboxFor(h.db, target.id);
    expect(events.map((event) => event.type)).toEqual(["targets.target.created", "targets.target.updated"]);
    expect(events[1].payload.data).toMatchObject({ id: target.id, port: 2200, tags: ["a", "b"], changed: ["port", "tags", "description"] });
    expect(events[1].xmin).toBe(await rowXmin(h.db, target.id));
  });

  it("refuses invalid values naming the field and changes nothing", async () => {
    const target = await create({ name: `upd-${suffix()}`, address: uniqueHost() });
    for (const [input, field] of [
      [{ port: 70000 }, "input.port"],
      [{ name: "" }, "input.name"],
      [{ name: null }, "input.name"],
      [{ address: "bad host" }, "input.address"],
      [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "input.tags"],
    ] as const) {
      const result = await h.graphql(UPDATE, { id: target.id, input }, { token: operator });
      expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(result.errors?.[0].extensions?.field).toBe(field);
    }
    expect(await outboxFor(h.db, target.id)).toHaveLength(1);
    expect(await h.db.target.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ name: target.name, port: 22 });
  });

  it("refuses moving onto another active target's address:port with CONFLICT", async () => {
    const taken = await create({ name: `taken-${suffix()}`, address: uniqueHost(), port: 22 });
    const mover = await create({ name: `mover-${suffix()}`, address: uniqueHost(), port: 22 });
    const result = await h.graphql(UPDATE, { id: mover.id, input: { address: taken.address } }, { token: operator });
    expect(errorCodes(result)).toEqual(["CONFLICT"]);
    expect(result.errors?.[0].extensions?.field).toBe("address");
    expect(result.errors?.[0].message).toContain(`${taken.address}:22`);
    expect(await outboxFor(h.db, mover.id)).toHaveLength(1);
    // Keeping its own address:port is not a conflict with itself.
    const same = await h.graphql(UPDATE, { id: mover.id, input: { address: mover.address, port: 22 } }, { token: operator });
    expect(same.errors).toBeUndefined();
  });

  it("answers NOT_FOUND for an unknown or deleted target", async () => {
    expect(errorCodes(await h.graphql(UPDATE, { id: randomUUID(), input: { name: "x" } }, { token: operator }))).toEqual(["NOT_FOUND"]);
    const target = await create({ name: `gone-${suffix()}`, address: uniqueHost() });
    await h.graphql(DELETE, { id: target.id }, { token: operator });
    expect(errorCodes(await h.graphql(UPDATE, { id: target.id, input: { name: "x" } }, { token: operator }))).toEqual(["NOT_FOUND"]);
  });
});

describe("deleteTarget", () => {
  it("soft-deletes: the target disappears from queries, the row stays, one deleted event is written", async () => {
    const tag = `del-${suffix()}`;
    const target = await create({ name: `del-${suffix()}`, address: uniqueHost(), port: 2022, tags: [tag] });
    const result = await h.graphql<{ deleteTarget: boolean }>(DELETE, { id: target.id }, { token: operator });
    expect(result.data?.deleteTarget).toBe(true);

    expect((await h.graphql<{ target: unknown }>(GET, { id: target.id }, { token: operator })).data?.target).toBeNull();
    expect((await list({ filter: { tags: [tag] } })).total).toBe(0);
    const row = await h.db.target.findUniqueOrThrow({ where: { id: target.id } });
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(row.active).toBeNull();

    const events = await outboxFor(h.db, target.id);
    expect(events.map((event) => event.type)).toEqual(["targets.target.created", "targets.target.deleted"]);
    expect(events[1].payload.data).toEqual({ id: target.id, name: target.name, address: target.address, port: 2022 });
    expect(events[1].xmin).toBe(await rowXmin(h.db, target.id));
  });

  it("answers NOT_FOUND when deleting twice or an unknown id, writing nothing", async () => {
    const target = await create({ name: `twice-${suffix()}`, address: uniqueHost() });
    await h.graphql(DELETE, { id: target.id }, { token: operator });
    const unknownId = randomUUID();
    expect(errorCodes(await h.graphql(DELETE, { id: target.id }, { token: operator }))).toEqual(["NOT_FOUND"]);
    expect(errorCodes(await h.graphql(DELETE, { id: unknownId }, { token: operator }))).toEqual(["NOT_FOUND"]);
    expect((await outboxFor(h.db, target.id)).map((event) => event.type)).toEqual(["targets.target.created", "targets.target.deleted"]);
    expect(await outboxFor(h.db, unknownId)).toEqual([]);
  });

  it("frees the address:port: a deleted target's endpoint can be registered again, and deleted twice over", async () => {
    const address = uniqueHost("reuse");
    for (let round = 0; round < 2; round++) {
      const target = await create({ name: `reuse-${round}`, address, port: 22 });
      expect((await h.graphql(DELETE, { id: target.id }, { token: operator })).errors).toBeUndefined();
    }
    await expect(create({ name: "reuse-final", address, port: 22 })).resolves.toMatchObject({ address });
    expect(await h.db.target.count({ where: { address } })).toBe(3);
  });
});

describe("federation", () => {
  it("resolves Target entities by id and returns null for unknown, deleted and malformed ids", async () => {
    const live = await create({ name: `ent-${suffix()}`, address: uniqueHost() });
    const deleted = await create({ name: `ent-${suffix()}`, address: uniqueHost() });
    await h.graphql(DELETE, { id: deleted.id }, { token: operator });
    const result = await h.graphql<{ _entities: Array<Record<string, unknown> | null> }>(ENTITIES,
      {
        representations: [
          { __typename: "Target", id: live.id },
          { __typename: "Target", id: randomUUID() },
          { __typename: "Target", id: deleted.id },
          { __typename: "Target", id: "nope" },
        ],
      },
      { token: viewer },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { id: live.id, name: live.name, address: live.address, port: 22, createdBy: { id: operatorId } },
      null,
      null,
      null,
    ]);
  });

  it("publishes Target with @key(id) and User as a non-resolvable stub", async () => {
    const result = await h.graphql<{ _service: { sdl: string } }>("{ _service { sdl } }");
    const sdl = result.data?._service.sdl ?? "";
    expect(sdl).toMatch(/type Target\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type User\s+@key\(fields: "id", resolvable: false\)\s*\{\s*id: ID!\s*\}/);
  });
});

describe("called directly, the subgraph holds its own line", () => {
  it("refuses a request without gateway proof (401), with a valid token", async () => {
    const response = await fetch(h.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${viewer}` },
      body: JSON.stringify({ query: "{ targets { total } }" }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
  });

  it("refuses _entities without a token (UNAUTHENTICATED) and without targets:read (FORBIDDEN)", async () => {
    const target = await create({ name: `door-${suffix()}`, address: uniqueHost() });
    const representations = [{ __typename: "Target", id: target.id }];
    expect(errorCodes(await h.graphql(ENTITIES, { representations }))).toEqual(["UNAUTHENTICATED"]);
    const usersOnly = h.signer.sign({ id: randomUUID(), permissions: ["users:read"] });
    const forbidden = await h.graphql(ENTITIES, { representations }, { token: usersOnly });
    expect(errorCodes(forbidden)).toEqual(["FORBIDDEN"]);
    expect(JSON.stringify(forbidden.data ?? null)).not.toContain(target.name);
  });

  it("refuses a token recalled in Redis (the user's not-before floor)", async () => {
    const userId = randomUUID();
    const token = h.signer.sign({ id: userId, permissions: ["targets:read"] });
    expect((await h.graphql(LIST, {}, { token })).errors).toBeUndefined();
    await revokeTokens(h.subgraph.env, { userId });
    const refused = await h.graphql(LIST, {}, { token });
    expect(errorCodes(refused)).toEqual(["UNAUTHENTICATED"]);
    expect(refused.errors?.[0]?.message).toBe("Access token has been revoked");
  });

  it("applies the gateway's limits: 50 aliases and a deep query are refused before execution", async () => {
    const aliases = `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: targets(pagination: { limit: 100 }) { total }`).join(" ")} }`;
    const many = await h.graphql(aliases, {}, { token: viewer });
    expect(many.status).toBe(400);
    expect(many.errors?.[0]?.message).toMatch(/^Too many aliases/);
    const deep = `{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }`;
    const tooDeep = await h.graphql(deep, {}, { token: viewer });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.errors?.[0]?.message).toMatch(/^Query depth \d+ exceeds the maximum of 10/);
  });
});
