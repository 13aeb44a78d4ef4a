import { AuthForwardingDataSource } from "./app";

const source = () => new AuthForwardingDataSource({ url: "http://127.0.0.1:9/graphql" }, "s".repeat(40));
const reply = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }) as unknown as Parameters<AuthForwardingDataSource["errorFromResponse"]>[0];

describe("a subgraph's 401 through the gateway", () => {
  it("keeps the subgraph's UNAUTHENTICATED message (a token recalled between the gateway's check and the subgraph's)", async () => {
    const error = await source().errorFromResponse(reply(401, { errors: [{ message: "Access token has been revoked", extensions: { code: "UNAUTHENTICATED" } }] }));
    expect(error.message).toBe("Access token has been revoked");
    expect(error.extensions.code).toBe("UNAUTHENTICATED");
  });

  it("says 'Authentication required' for a 401 without a GraphQL body (e.g. a refused gateway proof), and leaves other statuses alone", async () => {
    const bare = await source().errorFromResponse(reply(401, { error: { message: "Authentication required", requestId: "x" } }));
    expect([bare.message, bare.extensions.code]).toEqual(["Authentication required", "UNAUTHENTICATED"]);
    const failed = await source().errorFromResponse(reply(500, { errors: [{ message: "boom" }] }));
    expect(failed.extensions.code).not.toBe("UNAUTHENTICATED");
  });
});
