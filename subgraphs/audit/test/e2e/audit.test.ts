import { e2eStack, errorCodes, graphql, login } from "@opsconductor/kit/testing";

describe("audit through the gateway", () => {
  it("answers auditItems for a signed-in admin and refuses an anonymous caller", async () => {
    const { gatewayUrl, adminPassword } = e2eStack();
    const { accessToken } = await login(gatewayUrl, "admin", adminPassword);
    const query = "query { auditItems { total items { id name } } }";
    const result = await graphql<{ auditItems: { total: number; items: unknown[] } }>(gatewayUrl, query, {}, { token: accessToken });
    expect(result.errors).toBeUndefined();
    expect(result.data?.auditItems).toEqual({ total: 0, items: [] });
    expect(errorCodes(await graphql(gatewayUrl, query))).toEqual(["UNAUTHENTICATED"]);
  });
});
