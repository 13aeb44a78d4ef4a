import { gatewayUrl, gql, loginAsAdmin, restartService, stack, unique } from "./stack";

describe("a subgraph going away", () => {
  let restarted = false;
  afterAll(async () => {
    if (!restarted) await restartService("users");
  });

  it("masks the failure as 'Internal error' with the request id, keeps the other subgraph's data, and recovers", async () => {
    const token = (await loginAsAdmin()).accessToken;
    const created = await gql(`mutation($i: CreateTargetInput!) { createTarget(input: $i) { id } }`, { i: { name: unique("res"), address: "10.70.0.1" } }, token);
    expect(created.errors).toBeUndefined();
    process.kill(stack().pids.users, "SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const requestId = `resilience-${Date.now()}`;
    const response = await fetch(gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": requestId },
      body: JSON.stringify({ query: `{ targets(pagination: { limit: 1 }) { total items { name createdBy { username } } } }` }),
    });
    const body = (await response.json()) as { data?: { targets: { total: number } }; errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(response.headers.get("x-request-id")).toBe(requestId);
    expect(body.data?.targets.total).toBeGreaterThan(0);
    expect(body.errors?.[0]?.message).toBe("Internal error");
    expect(body.errors?.[0]?.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId });
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);

    const ready = await fetch(gatewayUrl.replace(/\/graphql$/, "/ready"));
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks.users.ok).toBe(false);

    await restartService("users");
    restarted = true;
    expect((await fetch(gatewayUrl.replace(/\/graphql$/, "/ready"))).status).toBe(200);
  });
});
