import type { RemoteGraphQLDataSource } from "@apollo/gateway";
import { dedupeInFlight } from "./dedupe";

type Fetcher = RemoteGraphQLDataSource["fetcher"];

/** A fake subgraph: counts calls and answers each one after the test releases it. */
function countingFetcher() {
  const calls: Array<{ url: string; body: string; release: () => void }> = [];
  const fetcher = ((url: string, init?: { body?: unknown }) =>
    new Promise((resolve) => {
      const body = String(init?.body);
      calls.push({
        url,
        body,
        release: () =>
          resolve(new Response(JSON.stringify({ data: { echo: body, n: calls.length } }), { status: 200, headers: { "content-type": "application/json" } })),
      });
    })) as unknown as Fetcher;
  const releaseAll = () => calls.forEach((call) => call.release());
  return { fetcher, calls, releaseAll };
}

const URL_ = "http://subgraph.test/graphql";
const init = (query: string, authorization?: string, variables: Record<string, unknown> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
  body: JSON.stringify({ query, variables }),
});
const QUERY = "query Targets__targets__0 { targets { total } }";

/** Lets the deduplicating fetcher register the calls started so far. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("dedupeInFlight", () => {
  it("shares one fetch among concurrent identical queries with the same Authorization; each gets its own readable body", async () => {
    const { fetcher, calls, releaseAll } = countingFetcher();
    const dedupe = dedupeInFlight(fetcher);
    const pending = Array.from({ length: 5 }, () => dedupe(URL_, init(QUERY, "Bearer a")));
    await settle();
    expect(calls).toHaveLength(1);
    releaseAll();
    const responses = await Promise.all(pending);
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(responses.every((response) => response.status === 200 && response.headers.get("content-type") === "application/json")).toBe(true);
  });

  it("does not share between different tokens, bodies, variables or URLs", async () => {
    const { fetcher, calls, releaseAll } = countingFetcher();
    const dedupe = dedupeInFlight(fetcher);
    const pending = [
      dedupe(URL_, init(QUERY, "Bearer a")),
      dedupe(URL_, init(QUERY, "Bearer b")),
      dedupe(URL_, init(QUERY)),
      dedupe(URL_, init(QUERY, "Bearer a", { id: 1 })),
      dedupe(URL_, init("{ targets { total } }", "Bearer a")),
      dedupe("http://other.test/graphql", init(QUERY, "Bearer a")),
    ];
    await settle();
    expect(calls).toHaveLength(6);
    releaseAll();
    await Promise.all(pending);
  });

  it("never shares mutations (or subscriptions)", async () => {
    const { fetcher, calls, releaseAll } = countingFetcher();
    const dedupe = dedupeInFlight(fetcher);
    const mutation = 'mutation Login__auth__0 { login(username: "a", password: "b") { accessToken } }';
    const pending = [
      dedupe(URL_, init(mutation, "Bearer a")),
      dedupe(URL_, init(mutation, "Bearer a")),
      dedupe(URL_, init(`  mutation { logout }`, "Bearer a")),
      dedupe(URL_, init(`  mutation { logout }`, "Bearer a")),
      dedupe(URL_, init("subscription { x }", "Bearer a")),
      dedupe(URL_, init("subscription { x }", "Bearer a")),
    ];
    await settle();
    expect(calls).toHaveLength(6);
    releaseAll();
    await Promise.all(pending);
  });

  it("only while in flight: the same query sent after the first finished is fetched again", async () => {
    const { fetcher, calls, releaseAll } = countingFetcher();
    const dedupe = dedupeInFlight(fetcher);
    const first = dedupe(URL_, init(QUERY, "Bearer a"));
    await settle();
    releaseAll();
    await first;
    const second = dedupe(URL_, init(QUERY, "Bearer a"));
    await settle();
    expect(calls).toHaveLength(2);
    releaseAll();
    await second;
  });

  it("passes a failure to every waiter and does not keep it", async () => {
    let attempts = 0;
    const failing = (async () => {
      attempts += 1;
      await settle();
      throw new Error("connect ECONNREFUSED");
    }) as unknown as Fetcher;
    const dedupe = dedupeInFlight(failing);
    const results = await Promise.allSettled([dedupe(URL_, init(QUERY, "Bearer a")), dedupe(URL_, init(QUERY, "Bearer a"))]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(attempts).toBe(1);
    await expect(dedupe(URL_, init(QUERY, "Bearer a"))).rejects.toThrow("ECONNREFUSED");
    expect(attempts).toBe(2);
  });
});
