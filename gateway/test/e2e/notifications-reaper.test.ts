import http from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { eventually, withFreshPort } from "@opsconductor/kit/testing";
import { gql, loginAsAdmin, stack, unique } from "./stack";

/**
 * Issue 9: no delivery stays PENDING. With the real stack (notifications worker, BullMQ on Redis, an
 * HTTP receiver on 127.0.0.1): a delivery's queue job is deleted from Redis while its first attempt is
 * in flight, so BullMQ can never retry it; the worker's reaper (every 0.5 s here, stuck after 2 s)
 * finds it, says so in lastError, queues it again, and it is SENT.
 */

let admin: string;
let receiver: http.Server;
let receiverUrl: string;
/** Requests for the watched target, each held until the test answers it. */
const held: Array<{ body: string; answer: (status: number) => void }> = [];
let watched = "";

async function call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await gql<T>(query, variables, admin);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

beforeAll(async () => {
  admin = (await loginAsAdmin()).accessToken;
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (watched && body.includes(watched)) held.push({ body, answer: (status) => void (res.headersSent || res.writeHead(status).end()) });
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const request of held) request.answer(204);
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(() => resolve(undefined)));
});

interface Delivery {
  id: string;
  status: string;
  attempts: number;
  retries: number;
  lastError: string | null;
  subject: string;
}

describe("notifications delivery reaper", () => {
  it("a delivery whose BullMQ job was deleted from Redis is found by the reaper, its lastError says so, and it is sent", async () => {
    const channel = await call<{ createNotificationChannel: { id: string } }>(
      "mutation($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { id } }",
      { input: { name: unique("reaper-hook"), type: "WEBHOOK", webhook: { url: `${receiverUrl}/reaper`, secret: "reaper-test-secret-0123456789" } } },
    );
    const rule = await call<{ createNotificationRule: { id: string } }>("mutation($input: CreateNotificationRuleInput!) { createNotificationRule(input: $input) { id } }", {
      input: { name: unique("reaper-rule"), eventPattern: "targets.target.created", subjectTemplate: "created {{data.name}}", bodyTemplate: "target {{data.name}}", channelIds: [channel.createNotificationChannel.id] },
    });
    try {
      watched = unique("reaper-target");
      await withFreshPort((port) => call("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", { input: { name: watched, address: "127.0.0.1", port } }));
      const delivery = async () =>
        (
          await call<{ deliveries: { items: Delivery[] } }>(
            "query($r: ID!) { deliveries(filter: { ruleId: $r }, pagination: { limit: 100 }) { items { id status attempts retries lastError subject } } }",
            { r: rule.createNotificationRule.id },
          )
        ).deliveries.items.find((item) => item.subject === `created ${watched}`);

      // The first attempt is in flight (held by the receiver): its job is removed from Redis, as a lost job would be.
      await eventually(async () => (held.length === 1 ? true : undefined), 30_000, 50);
      const first = (await delivery())!;
      expect(first).toMatchObject({ status: "PENDING", attempts: 1, retries: 0 });
      const { REDIS_URL, REDIS_KEY_PREFIX } = stack().envs.notifications!;
      const redis = new Redis(REDIS_URL!);
      try {
        const key = `${REDIS_KEY_PREFIX}bull:notifications-deliveries:`;
        const jobId = `${first.id}.0`;
        expect(await redis.exists(`${key}${jobId}`)).toBe(1);
        await redis.multi().del(`${key}${jobId}`, `${key}${jobId}:lock`).lrem(`${key}active`, 0, jobId).exec();
      } finally {
        redis.disconnect();
      }
      held[0]!.answer(500);

      // The reaper queues it again: the second attempt arrives, and meanwhile lastError tells why.
      await eventually(async () => (held.length === 2 ? true : undefined), 30_000, 50);
      expect(await delivery()).toMatchObject({
        status: "PENDING",
        attempts: 2,
        lastError: "reaper: its queue job was lost; queued again (last send error: receiver answered HTTP 500)",
      });
      held[1]!.answer(200);
      const sent = await eventually(async () => {
        const current = await delivery();
        return current?.status === "SENT" ? current : undefined;
      }, 30_000, 100);
      expect(sent).toMatchObject({ attempts: 2, lastError: null });
      expect(held).toHaveLength(2);
    } finally {
      watched = "";
      await call("mutation($id: ID!) { setNotificationRuleEnabled(id: $id, enabled: false) { id } }", { id: rule.createNotificationRule.id });
    }
  }, 90_000);
});
