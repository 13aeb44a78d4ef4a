import * as amqp from "amqplib";
import fs from "node:fs";
import { Client } from "pg";
import { eventually } from "@opsconductor/kit/testing";
import { createUserAndLogin, gql, loginAsAdmin, stack } from "./stack";

/** Every row of every outbox, as text, across the three services' databases. */
async function allOutboxPayloads(): Promise<string> {
  const texts: string[] = [];
  for (const service of ["auth", "users", "targets"]) {
    const client = new Client({ connectionString: stack().envs[service].DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT payload::text AS payload FROM outbox_events");
      texts.push(...rows.map((row: { payload: string }) => row.payload));
    } finally {
      await client.end();
    }
  }
  return texts.join("\n");
}

describe("secrets stay secret", () => {
  it("no password or token appears in responses, service logs, outbox events or messages on the bus", async () => {
    const connection = await amqp.connect("amqp://guest:guest@127.0.0.1:5672");
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, stack().exchange, "#");
    const messages: string[] = [];
    await channel.consume(queue, (message) => {
      if (message) messages.push(message.content.toString());
    }, { noAck: true });

    try {
      const admin = await loginAsAdmin();
      const password = `Sekret-${Date.now()}-passphrase`;
      const user = await createUserAndLogin(admin.accessToken, ["OPERATOR"], password);
      const refreshed = await gql<{ refreshToken: { accessToken: string; refreshToken: string } }>(
        `mutation($t: String!) { refreshToken(token: $t) { accessToken refreshToken } }`,
        { t: user.refreshToken },
      );
      const newPassword = `Changed-${Date.now()}-passphrase`;
      const changed = await gql(
        `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`,
        { c: password, n: newPassword },
        user.accessToken,
      );
      expect(changed.errors).toBeUndefined();
      // Wait for the effects rather than a fixed time: the change is on the bus, and users has
      // processed this login's event (a debug line), so the log file holds what these actions wrote.
      await eventually(async () => messages.some((message) => message.includes("auth.password.changed") && message.includes(user.id)), 15_000, 50);
      await eventually(async () => fs.readFileSync(stack().logFile, "utf8").includes(`"msg":"event processed"`), 15_000, 50);

      const secrets = [password, newPassword, stack().adminPassword, user.accessToken, user.refreshToken, refreshed.data!.refreshToken.refreshToken];
      const users = await gql(`{ users(pagination: { limit: 100 }) { items { id username email } } }`, {}, admin.accessToken);
      const logs = fs.readFileSync(stack().logFile, "utf8");
      const haystacks = {
        "users response": JSON.stringify(users),
        "service logs": logs,
        "outbox events": await allOutboxPayloads(),
        "bus messages": messages.join("\n"),
      };
      // The haystacks are not empty: the actions above were logged, written and published. Every
      // process runs at debug, and the file holds info and debug lines, where leaks usually are.
      for (const [name, env] of Object.entries(stack().envs)) expect(`${name}=${env.LOG_LEVEL}`).toBe(`${name}=debug`);
      const levels = new Set(logs.split("\n").map((line) => /"level":"(\w+)"/.exec(line)?.[1]));
      expect({ debug: levels.has("debug"), info: levels.has("info") }).toEqual({ debug: true, info: true });
      expect(haystacks["outbox events"]).toContain(user.username);
      expect(haystacks["bus messages"]).toContain("auth.password.changed");
      for (const [where, text] of Object.entries(haystacks)) {
        for (const secret of secrets) {
          if (text.includes(secret)) throw new Error(`a secret appears in ${where}`);
        }
        expect(text).not.toMatch(/\$argon2id\$/);
      }
    } finally {
      await connection.close();
    }
  });
});
