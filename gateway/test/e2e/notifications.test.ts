import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "pg";
import { SMTPServer } from "smtp-server";
import { eventually, startSshd, withFreshPort, type SshdFixture } from "@opsconductor/kit/testing";
import { collect, liveClient, type LiveTestClient } from "../live-client";
import { createUserAndLogin, gatewayUrl, gql, loginAsAdmin, stack, unique } from "./stack";

/**
 * Issue 9, "must show" 4-6 for notifications, through the gateway with the real stack: a run that
 * fails on a real sshd target triggers a rule; an SMTP server started here receives the email, an
 * HTTP receiver verifies the webhook's HMAC, the in-app notification arrives over graphql-ws; a
 * receiver failing 3 times is delivered on the 4th attempt, one always failing ends FAILED with its
 * last error; the SMTP password and webhook secret appear in no response, delivery, event or log.
 * Every receiver binds 127.0.0.1.
 */

const SMTP_USER = "notify-bot";
const SMTP_PASSWORD = `smtp-pw-${randomBytes(12).toString("hex")}`;
const WEBHOOK_SECRET = `whsec-${randomBytes(16).toString("hex")}`;

interface Mail {
  user: string | undefined;
  raw: string;
}
interface Hook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let sshd: SshdFixture;
let smtp: SMTPServer;
let smtpPort: number;
const mails: Mail[] = [];
let receiver: http.Server;
let receiverUrl: string;
const hooks: Hook[] = [];
let flakyCalls = 0;
/** Set once the test has seen the "dead" receiver's delivery fail for good: it then accepts (for retryDelivery). */
let deadHealed = false;
let token: string;
let adminId: string;
let live: LiveTestClient | undefined;

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, as = token): Promise<T> {
  const result = await gql<T>(query, variables, as);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

beforeAll(async () => {
  sshd = await startSshd({ count: 1 });
  token = (await loginAsAdmin()).accessToken;
  adminId = (await call<{ me: { id: string } }>("{ me { id } }")).me.id;

  smtp = new SMTPServer({
    // Plain SMTP on loopback (the channel's security NONE); AUTH is still required and checked.
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, done) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return done(null, { user: auth.username });
      return done(new Error("Invalid username or password"));
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        mails.push({ user: session.user as string | undefined, raw: Buffer.concat(chunks).toString("utf8") });
        done();
      });
    },
    logger: false,
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const hook = { path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      hooks.push(hook);
      if (hook.path === "/flaky") {
        flakyCalls++;
        res.writeHead(flakyCalls <= 3 ? 503 : 200).end();
      } else if (hook.path === "/dead") {
        res.writeHead(deadHealed ? 200 : 500).end(deadHealed ? "" : "nope");
      } else {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await live?.client.dispose();
  await sshd?.stop();
  await new Promise((resolve) => smtp?.close(() => resolve(undefined)));
  await new Promise((resolve) => receiver?.close(() => resolve(undefined)));
});

const CHANNEL = "id name type enabled email { host port security username from to hasPassword } webhook { url hasSecret } slack { hasWebhookUrl } inApp { recipientUserIds }";

async function channel(input: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
  return (await call<{ createNotificationChannel: { id: string } }>(`mutation($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { ${CHANNEL} } }`, { input }))
    .createNotificationChannel;
}

/** A job whose only step exits 3, on one sshd target tagged ntf-prod: its runs end FAILED. */
async function failingJob(): Promise<{ jobId: string; targetName: string }> {
  const credentialId = (
    await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
      input: { name: unique("ntf-cred"), type: "PASSWORD", username: sshd.user, password: sshd.password },
    })
  ).createCredential.id;
  const targetName = unique("ntf-target");
  const target = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: targetName, address: "127.0.0.1", port, tags: ["ntf-prod", "linux"] },
    }),
  );
  await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: target.createTarget.id,
    input: { type: "SSH", port: sshd.ports[0], credentialId },
  });
  const job = await call<{ createJob: { id: string } }>("mutation($input: CreateJobInput!) { createJob(input: $input) { id } }", {
    input: { name: unique("ntf-failing"), steps: [{ name: "fail", type: "COMMAND", content: "echo about to fail; exit 3", timeoutSeconds: 30 }], targets: { targetIds: [target.createTarget.id] } },
  });
  return { jobId: job.createJob.id, targetName };
}

interface DeliveryView {
  id: string;
  status: string;
  attempts: number;
  lastError: string | null;
  subject: string;
  body: string;
  sentAt: string | null;
  channel: { id: string; name: string } | null;
  rule: { id: string } | null;
}

describe("notifications through the gateway", () => {
  it("a failed run triggers a rule: email over SMTP, a signed webhook, an in-app notification live; retries until sent, dead-letters what always fails; no secret leaks", async () => {
    const { jobId, targetName } = await failingJob();
    const email = await channel({
      name: unique("ntf-email"),
      type: "EMAIL",
      email: { host: "127.0.0.1", port: smtpPort, security: "NONE", username: SMTP_USER, password: SMTP_PASSWORD, from: "opsconductor@example.test", to: ["oncall@example.test"] },
    });
    expect(email.email).toEqual({ host: "127.0.0.1", port: smtpPort, security: "NONE", username: SMTP_USER, from: "opsconductor@example.test", to: ["oncall@example.test"], hasPassword: true });
    const hook = await channel({ name: unique("ntf-hook"), type: "WEBHOOK", webhook: { url: `${receiverUrl}/ok`, secret: WEBHOOK_SECRET } });
    expect(hook.webhook).toEqual({ url: `${receiverUrl}/ok`, hasSecret: true });
    const flaky = await channel({ name: unique("ntf-flaky"), type: "WEBHOOK", webhook: { url: `${receiverUrl}/flaky`, secret: WEBHOOK_SECRET } });
    const dead = await channel({ name: unique("ntf-dead"), type: "WEBHOOK", webhook: { url: `${receiverUrl}/dead`, secret: WEBHOOK_SECRET } });
    const inApp = await channel({ name: unique("ntf-inapp"), type: "IN_APP", inApp: { recipientUserIds: [adminId] } });
    const slack = await channel({ name: unique("ntf-slack"), type: "SLACK", slack: { webhookUrl: `${receiverUrl}/slack` } });
    expect(slack.slack).toEqual({ hasWebhookUrl: true });
    // No recipients listed: the creator of the rule that fires (the admin here).
    const creatorInbox = await channel({ name: unique("ntf-creator"), type: "IN_APP" });
    const ruleInput = (name: string, tags: string[]) => ({
      name: unique(name),
      eventPattern: "executions.target.finished",
      conditions: { statuses: ["FAILED"], targetTags: tags },
      subjectTemplate: "{{data.targetName}} failed with exit {{data.exitCode}}",
      bodyTemplate: "attempt {{data.attempt}} of run {{data.runId}}",
      channelIds: [creatorInbox.id],
    });
    const tagged = await call<{ createNotificationRule: { id: string } }>("mutation($input: CreateNotificationRuleInput!) { createNotificationRule(input: $input) { id } }", { input: ruleInput("ntf-tagged", ["ntf-prod", "linux"]) });
    const untagged = await call<{ createNotificationRule: { id: string } }>("mutation($input: CreateNotificationRuleInput!) { createNotificationRule(input: $input) { id } }", { input: ruleInput("ntf-other-tag", ["ntf-prod", "windows"]) });

    const rule = (
      await call<{ createNotificationRule: { id: string; channels: Array<{ id: string }> } }>(
        "mutation($input: CreateNotificationRuleInput!) { createNotificationRule(input: $input) { id enabled channels { id } } }",
        {
          input: {
            name: unique("ntf-rule"),
            eventPattern: "executions.run.*",
            conditions: { statuses: ["FAILED", "PARTIAL"], jobIds: [jobId], severities: ["ERROR", "WARNING"] },
            subjectTemplate: "[{{severity}}] {{data.jobName}} run #{{data.number}} {{data.status}}",
            bodyTemplate: "Run {{subject.id}} of {{data.jobName}} ended {{data.status}}: {{data.counts.failed}} target(s) failed.",
            channelIds: [email.id, hook.id, flaky.id, dead.id, inApp.id, slack.id],
          },
        },
      )
    ).createNotificationRule;
    expect(rule.channels).toHaveLength(6);

    live = liveClient(gatewayUrl, token);
    const added = collect(live.client, { query: "subscription($u: ID!) { notificationAdded(userId: $u) { id title body eventType read } }", variables: { u: adminId } });
    expect(await live.connected).toBe(true);

    const run = (await call<{ runJob: { id: string; number: number } }>("mutation($jobId: ID!) { runJob(jobId: $jobId) { id number } }", { jobId })).runJob;
    const finished = await eventually(async () => {
      const { run: current } = await call<{ run: { status: string; jobName: string } }>("query($id: ID!) { run(id: $id) { status jobName } }", { id: run.id });
      return ["SUCCEEDED", "FAILED", "PARTIAL", "CANCELLED", "TIMED_OUT"].includes(current.status) ? current : undefined;
    }, 60_000, 250);
    expect(finished.status).toBe("FAILED");
    const subject = `[ERROR] ${finished.jobName} run #${run.number} FAILED`;

    // Email: received by the SMTP server, authenticated as the channel's user, with the rendered subject.
    const mail = await eventually(async () => mails.find((m) => m.raw.includes(subject)), 30_000, 100);
    expect(mail.user).toBe(SMTP_USER);
    expect(mail.raw).toMatch(new RegExp(`^Subject: ${subject.replace(/[[\]#]/g, "\\$&")}\\r?$`, "m"));
    expect(mail.raw).toContain("oncall@example.test");

    // Webhook: signed with HMAC-SHA256 over "<timestamp>.<body>", verified here with the shared secret.
    const received = await eventually(async () => hooks.find((h) => h.path === "/ok"), 30_000, 100);
    const timestamp = String(received.headers["x-opsconductor-timestamp"]);
    const expected = `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(`${timestamp}.${received.body}`).digest("hex")}`;
    const presented = String(received.headers["x-opsconductor-signature"]);
    expect(presented.length).toBe(expected.length);
    expect(timingSafeEqual(Buffer.from(presented), Buffer.from(expected))).toBe(true);
    expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(120);
    const payload = JSON.parse(received.body) as { subject: string; event: { type: string; subject: { id: string }; data: { status: string } } };
    expect(payload).toMatchObject({ subject, event: { type: "executions.run.finished", subject: { id: run.id }, data: { status: "FAILED" } } });

    // Slack: the incoming-webhook format.
    const slackHook = await eventually(async () => hooks.find((h) => h.path === "/slack"), 30_000, 100);
    expect(JSON.parse(slackHook.body)).toMatchObject({ text: expect.stringContaining(subject), blocks: [{ type: "header", text: { type: "plain_text", text: subject } }, { type: "section" }] });

    // In-app: arrives on the subscription, and is in the inbox, unread.
    const titleOf = (result: { data?: Record<string, unknown> | null }) => (result.data?.notificationAdded as { title?: string } | undefined)?.title;
    const arrived = await added.until((result) => titleOf(result) === subject);
    const notification = arrived.map((result) => result.data!.notificationAdded as { id: string; title: string; read: boolean }).find((item) => item.title === subject)!;
    expect(notification).toMatchObject({ title: subject, read: false });
    // The target-tag rule: the failed target carries both its tags; the other rule's "windows" it does not carry.
    const tagTitle = `${targetName} failed with exit 3`;
    const inbox = await eventually(async () => {
      const current = await call<{ notifications: { total: number; items: Array<{ id: string; title: string }> }; unreadNotificationCount: number }>(
        "{ notifications(unreadOnly: true, pagination: { limit: 100 }) { total items { id title } } unreadNotificationCount }",
      );
      return current.notifications.items.some((item) => item.title === tagTitle) ? current : undefined;
    }, 30_000, 250);
    expect(inbox.notifications.items.map((item) => item.id)).toContain(notification.id);
    expect(inbox.unreadNotificationCount).toBeGreaterThanOrEqual(2);
    const tagDeliveries = async (ruleId: string) =>
      (await call<{ deliveries: { total: number } }>("query($r: ID!) { deliveries(filter: { ruleId: $r }) { total } }", { r: ruleId })).deliveries.total;
    expect(await tagDeliveries(tagged.createNotificationRule.id)).toBe(1);
    expect(await tagDeliveries(untagged.createNotificationRule.id)).toBe(0);
    const read = await call<{ markNotificationRead: { id: string; read: boolean } }>("mutation($id: ID!) { markNotificationRead(id: $id) { id read } }", { id: notification.id });
    expect(read.markNotificationRead.read).toBe(true);
    await call("mutation { markAllNotificationsRead }");
    expect((await call<{ unreadNotificationCount: number }>("{ unreadNotificationCount }")).unreadNotificationCount).toBe(0);

    // Retries: the flaky receiver failed 3 times, then took it (attempt 4); the dead one is FAILED after every attempt.
    const byChannel = async () => {
      const { deliveries } = await call<{ deliveries: { total: number; items: DeliveryView[] } }>(
        "query($rule: ID!) { deliveries(filter: { ruleId: $rule }, pagination: { limit: 100 }) { total items { id status attempts lastError subject body sentAt channel { id name } rule { id } } } }",
        { rule: rule.id },
      );
      return new Map(deliveries.items.map((item) => [item.channel!.id, item]));
    };
    const settled = await eventually(async () => {
      const map = await byChannel();
      return map.size === 6 && [...map.values()].every((item) => item.status !== "PENDING") ? map : undefined;
    }, 60_000, 250);
    expect(settled.get(email.id)).toMatchObject({ status: "SENT", attempts: 1, lastError: null, subject });
    expect(settled.get(hook.id)).toMatchObject({ status: "SENT", attempts: 1 });
    expect(settled.get(inApp.id)).toMatchObject({ status: "SENT", attempts: 1 });
    expect(settled.get(slack.id)).toMatchObject({ status: "SENT", attempts: 1 });
    expect(settled.get(flaky.id)).toMatchObject({ status: "SENT", attempts: 4, lastError: null });
    expect(flakyCalls).toBe(4);
    expect(settled.get(dead.id)).toMatchObject({ status: "FAILED", attempts: 5, lastError: "receiver answered HTTP 500", sentAt: null });
    expect(hooks.filter((h) => h.path === "/dead")).toHaveLength(5);
    const failed = await call<{ deliveries: { items: Array<{ id: string }> } }>("query($rule: ID!) { deliveries(filter: { ruleId: $rule, status: FAILED }) { items { id } } }", { rule: rule.id });
    expect(failed.deliveries.items.map((item) => item.id)).toEqual([settled.get(dead.id)!.id]);

    // A dead-lettered delivery can be sent again once its receiver is back: a new round, counted from 1.
    const sentAlready = await gql("mutation($id: ID!) { retryDelivery(id: $id) { id } }", { id: settled.get(hook.id)!.id }, token);
    expect(sentAlready.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
    deadHealed = true;
    const retried = await call<{ retryDelivery: { status: string; retries: number; attempts: number } }>("mutation($id: ID!) { retryDelivery(id: $id) { status retries attempts } }", {
      id: settled.get(dead.id)!.id,
    });
    expect(retried.retryDelivery).toEqual({ status: "PENDING", retries: 1, attempts: 0 });
    const healed = await eventually(async () => {
      const item = (await byChannel()).get(dead.id)!;
      return item.status === "SENT" ? item : undefined;
    }, 30_000, 250);
    expect(healed).toMatchObject({ attempts: 1, lastError: null });
    expect(hooks.filter((h) => h.path === "/dead")).toHaveLength(6);

    // Secrets: in no response, delivery, event payload or log line.
    const channels = await call("{ notificationChannels(pagination: { limit: 100 }) { items { " + CHANNEL + " } } }");
    const db = new Client({ connectionString: stack().envs.notifications.DATABASE_URL });
    await db.connect();
    let outbox: string;
    let stored: string;
    try {
      outbox = (await db.query("SELECT payload::text AS p FROM outbox_events")).rows.map((row: { p: string }) => row.p).join("\n");
      stored = (await db.query("SELECT secret_sealed FROM channels WHERE id = $1", [email.id])).rows[0].secret_sealed as string;
    } finally {
      await db.end();
    }
    expect(outbox).toContain("notifications.channel.created");
    expect(outbox).toContain("notifications.inbox.read");
    expect(stored).toMatch(/^v1\./);
    const haystacks = {
      "channel responses": JSON.stringify(channels),
      deliveries: JSON.stringify([...settled.values()]),
      "notifications outbox events": outbox,
      "sealed column": stored,
      "service logs": fs.readFileSync(stack().logFile, "utf8"),
    };
    for (const [where, text] of Object.entries(haystacks)) {
      expect({ where, leaked: text.includes(SMTP_PASSWORD) || text.includes(WEBHOOK_SECRET) }).toEqual({ where, leaked: false });
    }
  }, 240_000);

  it("refuses an unknown template variable and a bad channel naming the field, changes nothing, and keeps writes from viewers", async () => {
    const hook = await channel({ name: unique("ntf-v"), type: "WEBHOOK", webhook: { url: `${receiverUrl}/ok`, secret: WEBHOOK_SECRET } });
    const before = (await call<{ notificationRules: { total: number } }>("{ notificationRules { total } }")).notificationRules.total;
    const bad = await gql(
      "mutation($input: CreateNotificationRuleInput!) { createNotificationRule(input: $input) { id } }",
      { input: { name: unique("ntf-bad"), eventPattern: "executions.run.finished", subjectTemplate: "{{data.nope}}", bodyTemplate: "x", channelIds: [hook.id] } },
      token,
    );
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.subjectTemplate" });
    const pattern = await gql(
      "mutation($input: CreateNotificationRuleInput!) { createNotificationRule(input: $input) { id } }",
      { input: { name: unique("ntf-bad"), eventPattern: "nothing.*", subjectTemplate: "s", bodyTemplate: "b", channelIds: [hook.id] } },
      token,
    );
    expect(pattern.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.eventPattern" });
    expect((await call<{ notificationRules: { total: number } }>("{ notificationRules { total } }")).notificationRules.total).toBe(before);
    const noSecret = await gql("mutation($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { id } }", { input: { name: unique("ntf-ns"), type: "WEBHOOK", webhook: { url: `${receiverUrl}/ok` } } }, token);
    expect(noSecret.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.webhook.secret" });
    const stranger = await gql("mutation($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { id } }", { input: { name: unique("ntf-ia"), type: "IN_APP", inApp: { recipientUserIds: ["00000000-0000-4000-8000-000000000000"] } } }, token);
    expect(stranger.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.inApp.recipientUserIds.0" });

    const tested = await call<{ testNotificationChannel: { ok: boolean; error: string | null } }>("mutation($id: ID!) { testNotificationChannel(id: $id) { ok error } }", { id: hook.id });
    expect(tested.testNotificationChannel).toEqual({ ok: true, error: null });

    const viewer = await createUserAndLogin(token, ["VIEWER"]);
    const refused = await gql("mutation($id: ID!) { deleteNotificationChannel(id: $id) }", { id: hook.id }, viewer.accessToken);
    expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await gql("{ unreadNotificationCount }", {}, viewer.accessToken)).data).toEqual({ unreadNotificationCount: 0 });
    // A viewer cannot follow someone else's inbox.
    const spy = liveClient(gatewayUrl, viewer.accessToken);
    const spying = collect(spy.client, { query: "subscription($u: ID!) { notificationAdded(userId: $u) { id } }", variables: { u: adminId } });
    expect(await spying.ended).toEqual({});
    await spy.client.dispose();
    expect(spying.results).toEqual([{ data: null, errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: "FORBIDDEN" }) })] }]);
  }, 60_000);
});
