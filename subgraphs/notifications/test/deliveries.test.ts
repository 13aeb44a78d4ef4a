import { randomUUID } from "node:crypto";
import { createEnvelope, SYSTEM_ACTOR, type Logger } from "@opsconductor/kit";
import { EventConsumer, type RunningOf } from "@opsconductor/kit/subgraph";
import { createTestSigner, errorCodes, startTestSubgraph, subgraphClient, type SubgraphClient } from "@opsconductor/kit/testing";
import { eventHandlers } from "../src/events/on-event";
import notificationsSubgraph from "../src/subgraph";

/** The consumer side against the real database: which events become deliveries, and only once. */
describe("notifications: deliveries from events", () => {
  const signer = createTestSigner();
  let subgraph: RunningOf<typeof notificationsSubgraph>;
  let gql: SubgraphClient;
  let consumer: EventConsumer;
  const writer = () => signer.sign({ id: randomUUID(), permissions: ["notifications:read", "notifications:write"] });

  beforeAll(async () => {
    subgraph = await startTestSubgraph(notificationsSubgraph, {
      keys: signer.keys,
      env: { NOTIFICATIONS_SECRETS_KEY: "ab".repeat(32), USERS_URL: "http://127.0.0.1:9", TARGETS_URL: "http://127.0.0.1:9" },
    });
    gql = subgraphClient(subgraph);
    // Only `process` is used: the effect and its processed_events row, in one transaction.
    consumer = new EventConsumer({ db: subgraph.prisma, amqp: undefined as never, exchange: "unused", queue: "unused", handlers: eventHandlers(subgraph.services.deliveries), logger: subgraph.logger as Logger });
  });
  afterAll(() => subgraph.stop());

  async function setUp(jobId: string) {
    const token = writer();
    const hook = await gql<{ createNotificationChannel: { id: string } }>(
      "mutation($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { id } }",
      { input: { name: `hook-${randomUUID()}`, type: "WEBHOOK", webhook: { url: "http://127.0.0.1:9/hook", secret: "s".repeat(32) } } },
      { token },
    );
    const rule = await gql<{ createNotificationRule: { id: string } }>(
      "mutation($input: CreateNotificationRuleInput!) { createNotificationRule(input: $input) { id } }",
      {
        input: {
          name: `rule-${randomUUID()}`,
          eventPattern: "executions.#",
          conditions: { statuses: ["FAILED"], jobIds: [jobId] },
          subjectTemplate: "{{data.jobName}} {{data.status}} ({{data.counts.failed}} failed)",
          bodyTemplate: "by {{actor.username}}",
          channelIds: [hook.data!.createNotificationChannel.id],
        },
      },
      { token },
    );
    expect(rule.errors).toBeUndefined();
    return { channelId: hook.data!.createNotificationChannel.id, ruleId: rule.data!.createNotificationRule.id };
  }

  const finished = (jobId: string, status: "FAILED" | "SUCCEEDED") =>
    createEnvelope("executions.run.finished", {
      actor: SYSTEM_ACTOR,
      subject: { type: "Run", id: randomUUID() },
      data: { id: randomUUID(), jobId, jobName: "nightly", jobVersion: 1, number: 3, trigger: "MANUAL", triggeredById: null, scheduleId: null, status, counts: { failed: 2 }, durationMs: 10 },
    });

  it("one delivery per (event, rule, channel), rendered, even when the event is delivered twice", async () => {
    const jobId = randomUUID();
    const { ruleId, channelId } = await setUp(jobId);
    const event = finished(jobId, "FAILED");
    expect(await consumer.process(event)).toBe(true);
    expect(await consumer.process(event)).toBe(false);
    const rows = await subgraph.prisma.delivery.findMany({ where: { ruleId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventId: event.id, channelId, status: "PENDING", attempts: 0, subject: "nightly FAILED (2 failed)", body: "by system" });
    // Even a second handler run for the same event (a replay past processed_events) adds nothing.
    await subgraph.prisma.$transaction((tx) => subgraph.services.deliveries.onEvent(event, tx));
    expect(await subgraph.prisma.delivery.count({ where: { ruleId } })).toBe(1);
  });

  it("no delivery when the conditions do not match or the rule is disabled", async () => {
    const jobId = randomUUID();
    const { ruleId } = await setUp(jobId);
    await consumer.process(finished(jobId, "SUCCEEDED"));
    await consumer.process(finished(randomUUID(), "FAILED"));
    const disabled = await gql("mutation($id: ID!) { setNotificationRuleEnabled(id: $id, enabled: false) { enabled } }", { id: ruleId }, { token: writer() });
    expect(disabled.data).toEqual({ setNotificationRuleEnabled: { enabled: false } });
    await consumer.process(finished(jobId, "FAILED"));
    expect(await subgraph.prisma.delivery.count({ where: { ruleId } })).toBe(0);
  });

  it("delivers to the rule's enabled channels only, each with the channel's type", async () => {
    const jobId = randomUUID();
    const { ruleId, channelId } = await setUp(jobId);
    const token = writer();
    const inApp = await gql<{ createNotificationChannel: { id: string } }>(
      "mutation($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { id } }",
      { input: { name: `inbox-${randomUUID()}`, type: "IN_APP" } },
      { token },
    );
    const inAppId = inApp.data!.createNotificationChannel.id;
    const linked = await gql("mutation($id: ID!, $input: UpdateNotificationRuleInput!) { updateNotificationRule(id: $id, input: $input) { id } }", { id: ruleId, input: { channelIds: [channelId, inAppId] } }, { token });
    expect(linked.errors).toBeUndefined();
    const off = await gql("mutation($id: ID!, $input: UpdateNotificationChannelInput!) { updateNotificationChannel(id: $id, input: $input) { enabled } }", { id: channelId, input: { enabled: false } }, { token });
    expect(off.data).toEqual({ updateNotificationChannel: { enabled: false } });
    await consumer.process(finished(jobId, "FAILED"));
    const rows = await subgraph.prisma.delivery.findMany({ where: { ruleId } });
    expect(rows.map((row) => [row.channelId, row.channelType])).toEqual([[inAppId, "IN_APP"]]);
  });

  it("refuses callers without notifications permissions", async () => {
    const reader = signer.sign({ id: randomUUID(), permissions: ["notifications:read"] });
    const refused = await gql("mutation($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { id } }", { input: { name: "x", type: "IN_APP" } }, { token: reader });
    expect(errorCodes(refused)).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await gql("{ deliveries { total } }", {}, { token: signer.sign({ id: randomUUID() }) }))).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await gql("{ deliveries { total } }"))).toEqual(["UNAUTHENTICATED"]);
  });
});
