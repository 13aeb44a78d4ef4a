import net from "node:net";
import { Client } from "pg";
import { Redis } from "ioredis";
import { errorCodes, eventually, startSnmpd, type SnmpdFixture } from "@opsconductor/kit/testing";
import { createUserAndLogin, gql, loginAsAdmin, stack, startWorker, stopMember, unique } from "./stack";

/**
 * Discovery beyond the plain scan, through the gateway: scan templates with cron schedules fired by
 * BullMQ job schedulers (one scan per tick with two workers running; disabling stops them), an
 * administrator's per-scan size override, and SNMP v2c sysDescr/sysName from a real snmpd with the
 * community of a Targets credential (never stored with the scan or in its job). Everything on loopback
 * addresses outside 127.0.0.0/28 (the main discovery test's range).
 */

const SCAN_FIELDS = `id name status error templateId scheduledFor maxAddresses snmpCredentialId snmpPort runAttempts
  progress { hostsTotal hostsDone hostsUp portsProbed openPorts }`;
const TEMPLATE_FIELDS = `id name ranges exclude portSpec hostDiscovery timeoutMs maxAddresses cron timezone enabled createdBy { id } nextRuns(count: 3)`;
const START = `mutation($input: StartScanInput!) { startScan(input: $input) { ${SCAN_FIELDS} } }`;
const SCAN = `query($id: ID!) { scan(id: $id) { ${SCAN_FIELDS} } }`;
const SCANS = `query($templateId: ID) { scans(templateId: $templateId, pagination: { limit: 100 }) { total items { ${SCAN_FIELDS} } } }`;
const CANCEL = `mutation($id: ID!) { cancelScan(id: $id) { ${SCAN_FIELDS} } }`;
const CREATE = `mutation($input: ScanTemplateInput!) { createScanTemplate(input: $input) { ${TEMPLATE_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: ScanTemplateInput!) { updateScanTemplate(id: $id, input: $input) { ${TEMPLATE_FIELDS} } }`;
const ENABLE = `mutation($id: ID!, $enabled: Boolean!) { setScanTemplateEnabled(id: $id, enabled: $enabled) { ${TEMPLATE_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteScanTemplate(id: $id) }`;
const TEMPLATE = `query($id: ID!) { scanTemplate(id: $id) { ${TEMPLATE_FIELDS} } }`;
const FROM_TEMPLATE = `mutation($id: ID!) { startScanFromTemplate(id: $id) { ${SCAN_FIELDS} } }`;
const HOSTS = `query($scanId: ID!) {
  discoveredHosts(scanId: $scanId, pagination: { limit: 100 }) {
    items { id address snmpSysDescr snmpSysName ports { port service } classification { osFamily deviceTypeKey suggestedMethods { type port detail } } }
  }
}`;

interface ScanView {
  id: string;
  name: string;
  status: string;
  error: string | null;
  templateId: string | null;
  scheduledFor: string | null;
  maxAddresses: number | null;
  snmpCredentialId: string | null;
  runAttempts: number;
  progress: { hostsTotal: number; hostsDone: number; hostsUp: number; portsProbed: number; openPorts: number };
}
interface TemplateView {
  id: string;
  name: string;
  cron: string | null;
  timezone: string;
  enabled: boolean;
  maxAddresses: number | null;
  nextRuns: string[];
}
interface HostView {
  id: string;
  address: string;
  snmpSysDescr: string | null;
  snmpSysName: string | null;
  ports: Array<{ port: number; service: string | null }>;
  classification: { osFamily: string; deviceTypeKey: string | null; suggestedMethods: Array<{ type: string; port: number; detail: string | null }> };
}

let adminToken: string;
let operatorToken: string;
let viewerToken: string;
const servers: net.Server[] = [];
const LISTEN_HOST = "127.0.3.9";
let listenPort = 0;

/** A listener that closes each connection at once (so closing it never waits for a client). */
function listenOn(host: string): Promise<net.Server & { port: number }> {
  const server = net.createServer((socket) => socket.on("error", () => {}).destroy());
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve(Object.assign(server, { port: (server.address() as net.AddressInfo).port })));
  });
}

const isFinal = (scan: ScanView) => !["QUEUED", "RUNNING"].includes(scan.status);

async function waitForScan(id: string, until: (scan: ScanView) => boolean = isFinal, timeoutMs = 60_000): Promise<ScanView> {
  return eventually(
    async () => {
      const result = await gql<{ scan: ScanView }>(SCAN, { id }, adminToken);
      return result.data?.scan && until(result.data.scan) ? result.data.scan : undefined;
    },
    timeoutMs,
    100,
  );
}

async function scansOf(templateId: string): Promise<ScanView[]> {
  const result = await gql<{ scans: { items: ScanView[] } }>(SCANS, { templateId }, adminToken);
  expect(result.errors).toBeUndefined();
  return result.data!.scans.items;
}

async function hostsOf(scanId: string): Promise<HostView[]> {
  const result = await gql<{ discoveredHosts: { items: HostView[] } }>(HOSTS, { scanId }, adminToken);
  expect(result.errors).toBeUndefined();
  return result.data!.discoveredHosts.items;
}

const templateInput = (extra: Record<string, unknown> = {}) => ({
  name: unique("tmpl"),
  ranges: [LISTEN_HOST],
  ports: `${listenPort},1`,
  hostDiscovery: "NONE",
  timeoutMs: 1_000,
  cron: "*/2 * * * * *",
  timezone: "Europe/Berlin",
  ...extra,
});

beforeAll(async () => {
  adminToken = (await loginAsAdmin()).accessToken;
  operatorToken = (await createUserAndLogin(adminToken, ["OPERATOR"])).accessToken;
  viewerToken = (await createUserAndLogin(adminToken, ["VIEWER"])).accessToken;
  const server = await listenOn(LISTEN_HOST);
  listenPort = server.port;
  servers.push(server);
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe("scan templates with cron schedules", () => {
  it("validates a template as startScan's input (BAD_USER_INPUT naming the field, nothing saved) and refuses a viewer", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ cron: "61 * * * *" }, "input.cron"],
      [{ cron: "* * *" }, "input.cron"],
      [{ timezone: "Mars/Olympus" }, "input.timezone"],
      [{ timezone: "+01:00" }, "input.timezone"],
      [{ ranges: ["10.0.0.0/24"] }, "input.ranges[0]"],
      [{ ranges: ["127.0.0.0/8"] }, "input.ranges"],
      [{ ports: "0-5" }, "input.ports"],
      [{ timeoutMs: 5 }, "input.timeoutMs"],
      [{ snmpCredentialId: "00000000-0000-4000-8000-000000000000" }, "input.snmpCredentialId"],
    ];
    const names: string[] = [];
    for (const [extra, field] of cases) {
      const input = templateInput(extra);
      names.push(input.name);
      const result = await gql(CREATE, { input }, adminToken);
      expect({ field, error: result.errors?.[0]?.extensions }).toMatchObject({ field, error: { code: "BAD_USER_INPUT", field } });
    }
    const viewerInput = templateInput();
    names.push(viewerInput.name);
    expect(errorCodes(await gql(CREATE, { input: viewerInput }, viewerToken))).toEqual(["FORBIDDEN"]);
    const listed = await gql<{ scanTemplates: { total: number; items: TemplateView[] } }>(`{ scanTemplates(pagination: { limit: 100 }) { total items { id name } } }`, {}, viewerToken);
    expect(listed.errors).toBeUndefined();
    // None of the refused ones was saved.
    expect(listed.data!.scanTemplates.items.filter((item) => names.includes(item.name))).toEqual([]);
  });

  it("fires one scan per tick (two workers running), previews the next runs, and stops when disabled", async () => {
    // A second worker process: both handle ticks, and each tick still makes exactly one scan.
    await startWorker("discovery", 2);
    try {
      const created = await gql<{ createScanTemplate: TemplateView & { id: string } }>(CREATE, { input: templateInput() }, operatorToken);
      expect(created.errors).toBeUndefined();
      const template = created.data!.createScanTemplate;
      expect(template).toMatchObject({ cron: "*/2 * * * * *", timezone: "Europe/Berlin", enabled: true });
      // nextRuns: three instants on even seconds, two seconds apart, in the future.
      const next = template.nextRuns.map((at) => new Date(at).getTime());
      expect(next).toHaveLength(3);
      expect(next[0]).toBeGreaterThan(Date.now() - 1_000);
      expect(next.map((at) => (at / 1000) % 2)).toEqual([0, 0, 0]);
      expect([next[1] - next[0], next[2] - next[1]]).toEqual([2_000, 2_000]);

      const fired = await eventually(async () => {
        const scans = (await scansOf(template.id)).filter(isFinal);
        return scans.length >= 3 ? scans : undefined;
      }, 45_000, 250);
      for (const scan of fired) {
        expect(scan).toMatchObject({ status: "COMPLETED", templateId: template.id, name: template.name, error: null, progress: { hostsTotal: 1, openPorts: 1 } });
        expect(new Date(scan.scheduledFor!).getTime() % 2_000).toBe(0);
        expect((await hostsOf(scan.id)).map((host) => `${host.address}:${host.ports.map((port) => port.port).join(",")}`)).toEqual([`${LISTEN_HOST}:${listenPort}`]);
      }
      // One scan per tick: no tick has two scans, though two workers handled the ticks.
      const all = await scansOf(template.id);
      const ticks = all.map((scan) => scan.scheduledFor);
      expect(new Set(ticks).size).toBe(ticks.length);

      const disabled = await gql<{ setScanTemplateEnabled: TemplateView }>(ENABLE, { id: template.id, enabled: false }, operatorToken);
      expect(disabled.data?.setScanTemplateEnabled).toMatchObject({ enabled: false, nextRuns: [] });
      // A tick being handled at the moment of disabling may still finish; after that nothing more comes.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const before = (await scansOf(template.id)).length;
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect((await scansOf(template.id)).length).toBe(before);

      // Started by hand, a template's scan carries no tick.
      const manual = await gql<{ startScanFromTemplate: ScanView }>(FROM_TEMPLATE, { id: template.id }, operatorToken);
      expect(manual.errors).toBeUndefined();
      expect(manual.data!.startScanFromTemplate).toMatchObject({ templateId: null, scheduledFor: null, status: "QUEUED" });
      expect(await waitForScan(manual.data!.startScanFromTemplate.id)).toMatchObject({ status: "COMPLETED" });

      // Update replaces the definition and schedule; delete removes the template, its scans stay.
      const updated = await gql<{ updateScanTemplate: TemplateView }>(UPDATE, { id: template.id, input: templateInput({ name: template.name, cron: "0 3 * * 1", timezone: "America/New_York" }) }, operatorToken);
      expect(updated.errors).toBeUndefined();
      expect(updated.data!.updateScanTemplate).toMatchObject({ cron: "0 3 * * 1", timezone: "America/New_York", enabled: true });
      const mondays = updated.data!.updateScanTemplate.nextRuns.map((at) => new Date(at));
      expect(mondays).toHaveLength(3);
      // 03:00 in New York on Mondays: 07:00 or 08:00 UTC depending on daylight saving.
      for (const at of mondays) expect([7, 8]).toContain(at.getUTCHours());
      const duplicate = await gql(CREATE, { input: templateInput({ name: template.name }) }, operatorToken);
      expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
      expect(errorCodes(await gql(DELETE, { id: template.id }, viewerToken))).toEqual(["FORBIDDEN"]);
      expect((await gql<{ deleteScanTemplate: boolean }>(DELETE, { id: template.id }, operatorToken)).data?.deleteScanTemplate).toBe(true);
      expect((await gql<{ scanTemplate: null }>(TEMPLATE, { id: template.id }, adminToken)).data?.scanTemplate).toBeNull();
      expect((await gql<{ scan: ScanView }>(SCAN, { id: fired[0].id }, adminToken)).data?.scan).toMatchObject({ status: "COMPLETED", templateId: null });
    } finally {
      await stopMember("discovery-worker-2");
    }
  }, 120_000);
});

describe("an administrator's per-scan size override", () => {
  // 127.0.0.0/15: 131,072 addresses, twice SCAN_MAX_HOSTS.
  const big = (extra: Record<string, unknown> = {}) => ({ input: { name: unique("big"), ranges: ["127.0.0.0/15"], ports: "9", hostDiscovery: "NONE", rateLimit: 50, ...extra } });

  it("refuses a range over the limit, telling how it may be raised; a non-admin may not raise it; an admin may, for one scan", async () => {
    const tooBig = await gql(START, big(), operatorToken);
    expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.ranges" });
    expect(tooBig.errors?.[0]?.message).toMatch(/131072 addresses; at most 65536 per scan .*administrator \(system:write\).*input\.maxAddresses/);

    const operatorRaise = await gql(START, big({ maxAddresses: 131_072 }), operatorToken);
    expect(errorCodes(operatorRaise)).toEqual(["FORBIDDEN"]);
    expect(operatorRaise.errors?.[0]?.message).toMatch(/input\.maxAddresses: only an administrator \(system:write\)/);
    // A lower limit than the setting is anyone's to choose.
    const lower = await gql(START, { input: { name: unique("low"), ranges: ["127.0.3.0/24"], ports: "9", maxAddresses: 100 } }, operatorToken);
    expect(lower.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.ranges" });
    expect(lower.errors?.[0]?.message).toMatch(/more than this scan's input\.maxAddresses \(100\)/);

    expect((await gql(START, big({ maxAddresses: 0 }), adminToken)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.maxAddresses" });
    expect((await gql(START, big({ maxAddresses: 16_777_217 }), adminToken)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.maxAddresses" });
    expect((await gql(START, big({ maxAddresses: 100_000 }), adminToken)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.ranges" });
    // A template with a raised limit is checked the same way.
    expect(errorCodes(await gql(CREATE, { input: templateInput({ ranges: ["127.0.0.0/15"], maxAddresses: 131_072, cron: null }) }, operatorToken))).toEqual(["FORBIDDEN"]);

    const raised = await gql<{ startScan: ScanView }>(START, big({ maxAddresses: 131_072 }), adminToken);
    expect(raised.errors).toBeUndefined();
    // /15 without its network and broadcast addresses.
    expect(raised.data!.startScan).toMatchObject({ status: "QUEUED", maxAddresses: 131_072, progress: { hostsTotal: 131_070 } });
    // Not left to run through 131,070 loopback addresses: cancelled at once.
    await gql(CANCEL, { id: raised.data!.startScan.id }, adminToken);
    expect(await waitForScan(raised.data!.startScan.id)).toMatchObject({ status: "CANCELLED" });
  }, 60_000);
});

describe("SNMP v2c with a Targets credential's community", () => {
  const AGENT_HOST = "127.0.3.21";
  const community = `disco${Math.random().toString(36).slice(2, 10)}`;
  let agent: SnmpdFixture;

  beforeAll(async () => {
    agent = await startSnmpd({ community, host: AGENT_HOST, sysDescr: "Linux opsc-snmp-agent 6.1.0-test x86_64", sysName: "snmp-e2e.discovery.test" });
  }, 30_000);
  afterAll(async () => {
    await agent?.stop();
  });

  const credential = async (input: Record<string, unknown>) => {
    const created = await gql<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", { input: { name: unique("cred"), ...input } }, adminToken);
    expect(created.errors).toBeUndefined();
    return created.data!.createCredential.id;
  };

  it("asks every host that answered for sysDescr and sysName with the credential's community; the community is stored nowhere in discovery", async () => {
    const credentialId = await credential({ type: "SNMP_COMMUNITY", community });
    const started = await gql<{ startScan: ScanView }>(
      START,
      // .20-.23: the agent on .21; port 1 is closed everywhere (a reset: the hosts are up, so each is asked).
      { input: { name: unique("snmp"), ranges: ["127.0.3.20-23"], ports: "1", hostDiscovery: "NONE", timeoutMs: 1_000, snmpCredentialId: credentialId, snmpPort: agent.port } },
      operatorToken,
    );
    expect(started.errors).toBeUndefined();
    const scan = await waitForScan(started.data!.startScan.id);
    expect(scan).toMatchObject({ status: "COMPLETED", error: null, snmpCredentialId: credentialId, progress: { hostsTotal: 4, hostsUp: 4, openPorts: 0 } });
    const hosts = await hostsOf(scan.id);
    expect(hosts).toHaveLength(1);
    expect(hosts[0]).toMatchObject({
      address: AGENT_HOST,
      snmpSysDescr: "Linux opsc-snmp-agent 6.1.0-test x86_64",
      snmpSysName: "snmp-e2e.discovery.test",
      ports: [],
      classification: { osFamily: "LINUX", deviceTypeKey: "linux-server", suggestedMethods: [{ type: "SNMP", port: agent.port, detail: "Linux opsc-snmp-agent 6.1.0-test x86_64" }] },
    });

    // The community is in no discovery row, outbox event or queue payload.
    const db = new Client({ connectionString: stack().envs.discovery.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(
        `SELECT (SELECT count(*) FROM scans s WHERE strpos(row_to_json(s)::text, $1) > 0)
              + (SELECT count(*) FROM discovered_hosts h WHERE strpos(row_to_json(h)::text, $1) > 0)
              + (SELECT count(*) FROM outbox_events o WHERE strpos(o.payload::text, $1) > 0) AS n`,
        [community],
      );
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await db.end();
    }
    const env = stack().envs.discovery;
    const redis = new Redis(env.REDIS_URL);
    try {
      const data = await redis.hget(`${env.REDIS_KEY_PREFIX}bull:discovery-scans:${scan.id}`, "data");
      expect(JSON.parse(data!)).toEqual({ scanId: scan.id });
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it("a wrong community gets no answer (no host); a credential that is not an SNMP community is BAD_USER_INPUT", async () => {
    const wrong = await credential({ type: "SNMP_COMMUNITY", community: `${community}-wrong` });
    const started = await gql<{ startScan: ScanView }>(
      START,
      { input: { name: unique("snmp"), ranges: [AGENT_HOST], ports: "1", hostDiscovery: "NONE", timeoutMs: 500, snmpCredentialId: wrong, snmpPort: agent.port } },
      operatorToken,
    );
    expect(started.errors).toBeUndefined();
    const scan = await waitForScan(started.data!.startScan.id);
    expect(scan).toMatchObject({ status: "COMPLETED", progress: { hostsUp: 1 } });
    expect(await hostsOf(scan.id)).toEqual([]);

    const password = await credential({ type: "PASSWORD", username: "someone", password: "a-password-1234" });
    const refused = await gql(START, { input: { name: unique("snmp"), ranges: [AGENT_HOST], ports: "1", snmpCredentialId: password } }, operatorToken);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.snmpCredentialId" });
    expect(refused.errors?.[0]?.message).toMatch(/SNMP_COMMUNITY/);
    expect((await gql(START, { input: { name: unique("snmp"), ranges: [AGENT_HOST], ports: "1", snmpPort: 70_000 } }, operatorToken)).errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.snmpPort",
    });
  }, 60_000);
});
