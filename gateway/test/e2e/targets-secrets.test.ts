import { startSshd, type SshdFixture, withFreshPort } from "@opsconductor/kit/testing";
import * as amqp from "amqplib";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { gql, loginAsAdmin, stack, unique } from "./stack";

const run = promisify(execFile);

/** Every value in Redis as text (strings, hashes, lists, sets, sorted sets, streams). */
async function redisText(): Promise<string> {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const parts: string[] = [];
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "COUNT", 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        parts.push(key);
        if (type === "string") parts.push((await redis.get(key)) ?? "");
        else if (type === "hash") parts.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === "list") parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === "set") parts.push(JSON.stringify(await redis.smembers(key)));
        else if (type === "zset") parts.push(JSON.stringify(await redis.zrange(key, "0", "-1")));
        else if (type === "stream") parts.push(JSON.stringify(await redis.xrange(key, "-", "+")));
      }
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return parts.join("\n");
}

let sshd: SshdFixture;

beforeAll(async () => {
  sshd = await startSshd();
}, 60_000);

afterAll(() => sshd?.stop());

describe("credential secrets stay secret (targets)", () => {
  it("1,000 credentials with unique markers: 0 markers in pg_dump of every database, Redis, bus messages, service logs or API responses", async () => {
    const connection = await amqp.connect("amqp://guest:guest@127.0.0.1:5672");
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, stack().exchange, "#");
    const messages: string[] = [];
    await channel.consume(queue, (message) => message && messages.push(message.content.toString()), { noAck: true });
    const responses: string[] = [];
    const prefix = `MK${randomBytes(6).toString("hex")}`;
    try {
      const token = (await loginAsAdmin()).accessToken;
      const inputs = Array.from({ length: 1000 }, (_, i) => {
        const marker = `${prefix}x${i}`;
        switch (i % 4) {
          case 0:
            return { type: "PASSWORD", username: sshd.user, password: `${marker}pw` };
          case 1:
            return { type: "API_TOKEN", token: `${marker}tok` };
          case 2:
            return { type: "SNMP_COMMUNITY", community: `${marker}com` };
          default:
            return { type: "SNMP_V3", username: "snmp", authPassword: `${marker}auth`, privPassword: `${marker}priv` };
        }
      });
      const ids: string[] = [];
      const CREATE = "mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id name type username hasSecret secretFields lastUsedAt } }";
      for (let start = 0; start < inputs.length; start += 20) {
        const batch = await Promise.all(inputs.slice(start, start + 20).map((input) => gql<{ createCredential: { id: string } }>(CREATE, { input: { name: unique("m"), ...input } }, token)));
        for (const response of batch) {
          responses.push(JSON.stringify(response));
          if (!response.data?.createCredential) throw new Error(JSON.stringify(response.errors));
          ids.push(response.data.createCredential.id);
        }
      }
      // Use some of them: connection tests decrypt the secret and send it to sshd (which refuses it).
      for (const id of ids.filter((_, i) => i % 4 === 0).slice(0, 10)) {
        const targetId = await withFreshPort(async (port) => {
          const target = await gql<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
            input: { name: unique("mk"), address: "127.0.0.1", port },
          }, token);
          if (!target.data?.createTarget) throw new Error(`createTarget failed: ${JSON.stringify(target.errors)}`);
          return target.data.createTarget.id;
        });
        responses.push(JSON.stringify(await gql("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", { t: targetId, input: { type: "SSH", port: sshd.ports[0], credentialId: id } }, token)));
        const tested = await gql<{ testTargetConnection: { errorCategory: string } }>("mutation($id: ID!) { testTargetConnection(id: $id) { ok errorCategory message } }", { id: targetId }, token);
        responses.push(JSON.stringify(tested));
        expect(tested.data?.testTargetConnection.errorCategory).toBe("AUTH_FAILED");
      }
      responses.push(JSON.stringify(await gql("{ credentials(pagination: { limit: 100 }) { total items { id name secretFields lastUsedAt } } }", {}, token)));
      await new Promise((resolve) => setTimeout(resolve, 1500));

      const dumps: string[] = [];
      for (const service of Object.keys(stack().databases)) {
        const { stdout } = await run("pg_dump", ["--data-only", stack().envs[service].DATABASE_URL], { maxBuffer: 512 * 1024 * 1024 });
        dumps.push(stdout);
      }
      const haystacks: Record<string, string> = {
        "pg_dump of every database": dumps.join("\n"),
        redis: await redisText(),
        "bus messages": messages.join("\n"),
        "service logs": fs.readFileSync(stack().logFile, "utf8"),
        "API responses": responses.join("\n"),
      };
      // Not empty: the credentials were written, published and used.
      expect(haystacks["pg_dump of every database"]).toContain(ids[999]);
      expect(haystacks["bus messages"]).toContain("targets.credential.created");
      expect(haystacks["bus messages"]).toContain("targets.credential.used");
      for (const [where, text] of Object.entries(haystacks)) {
        if (text.includes(prefix)) throw new Error(`a credential secret appears in ${where}`);
      }
    } finally {
      await connection.close();
    }
  }, 180_000);
});
