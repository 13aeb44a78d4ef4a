import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { errorCodes, eventually, startSshd, type SshdFixture } from "@opsconductor/kit/testing";
import { collect, liveClient } from "../live-client";
import { createUserAndLogin, gatewayUrl, gql, loginAsAdmin, unique } from "./stack";

/**
 * Discovery through the front door: real listeners on loopback addresses (an OpenSSH sshd, an HTTP
 * server, an SMTP-style greeter, an HTTPS server with a self-signed certificate) scanned by the
 * discovery worker over 127.0.0.0/28; results read, imported into targets, diffed; cancel, limits
 * and permissions.
 */

const SCAN_FIELDS = `id status portCount ranges error startedAt finishedAt cancelRequestedAt
  progress { hostsTotal hostsDone hostsUp portsProbed openPorts }`;
const START = `mutation($input: StartScanInput!) { startScan(input: $input) { ${SCAN_FIELDS} } }`;
const SCAN = `query($id: ID!) { scan(id: $id) { ${SCAN_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelScan(id: $id) { ${SCAN_FIELDS} } }`;
const HOSTS = `query($scanId: ID!, $filter: DiscoveredHostFilter) {
  discoveredHosts(scanId: $scanId, filter: $filter, pagination: { limit: 100 }) {
    total
    items { id address hostname status existingTarget importedTargetId firstSeenAt lastSeenAt
      ports { port service banner httpServer httpTitle tlsSubject tlsExpiresAt }
      classification { osFamily osConfidence deviceTypeKey suggestedMethods { type port detail } } }
  }
}`;
const IMPORT = `mutation($ids: [ID!]!, $defaults: ImportDefaultsInput) {
  importDiscoveredHosts(ids: $ids, defaults: $defaults) { created existing failed results { hostId address status targetId field message } }
}`;
const DIFF = `query($scanId: ID!) { scanDiff(scanId: $scanId) { previousScanId newHosts vanishedHosts openedPorts { address port } closedPorts { address port } } }`;

interface ScanView {
  id: string;
  status: string;
  error: string | null;
  finishedAt: string | null;
  cancelRequestedAt: string | null;
  progress: { hostsTotal: number; hostsDone: number; hostsUp: number; portsProbed: number; openPorts: number };
}
interface PortView {
  port: number;
  service: string | null;
  banner: string | null;
  httpServer: string | null;
  httpTitle: string | null;
  tlsSubject: string | null;
  tlsExpiresAt: string | null;
}
interface HostView {
  id: string;
  address: string;
  hostname: string | null;
  status: string;
  existingTarget: boolean;
  ports: PortView[];
  classification: { osFamily: string; osConfidence: number; deviceTypeKey: string | null; suggestedMethods: Array<{ type: string; port: number }> };
}

/** A port free on 127.0.0.1 a moment ago (each listener then binds its own loopback address on it). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
}
const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** An SMTP-style server: greets, then answers QUIT. */
function smtpServer(): net.Server {
  return net.createServer((socket) => {
    socket.on("error", () => {});
    socket.write("220 mail.discovery.test ESMTP Postfix (Debian/GNU)\r\n");
    socket.on("data", (data) => {
      if (/^QUIT/i.test(data.toString())) socket.end("221 2.0.0 Bye\r\n");
      else socket.write("250 OK\r\n");
    });
  });
}

const page = (title: string) => `<!doctype html><html><head><title>${title}</title></head><body>hello</body></html>`;

let adminToken: string;
let sshd: SshdFixture;
let certDir: string;
const servers: net.Server[] = [];
const ports = { http: 0, smtp: 0, https: 0, closed1: 0, closed2: 0, later: 0 };
const HTTP_HOST = "127.0.0.2";
const SMTP_HOST = "127.0.0.3";
const TLS_HOST = "127.0.0.4";
const LATER_HOST = "127.0.0.5";
let smtp: net.Server;

async function waitForScan(id: string, until: (scan: ScanView) => boolean = (scan) => !["QUEUED", "RUNNING"].includes(scan.status)): Promise<ScanView> {
  return eventually(
    async () => {
      const result = await gql<{ scan: ScanView }>(SCAN, { id }, adminToken);
      return result.data?.scan && until(result.data.scan) ? result.data.scan : undefined;
    },
    60_000,
    100,
  );
}

async function scanOf(portList: number[], extra: Record<string, unknown> = {}): Promise<ScanView> {
  const started = await gql<{ startScan: ScanView }>(START, { input: { name: unique("scan"), ranges: ["127.0.0.0/28"], ports: portList.join(","), timeoutMs: 2_000, ...extra } }, adminToken);
  expect(started.errors).toBeUndefined();
  expect(started.data?.startScan.status).toBe("QUEUED");
  return waitForScan(started.data!.startScan.id);
}

async function hostsOf(scanId: string, filter: Record<string, unknown> = {}): Promise<HostView[]> {
  const result = await gql<{ discoveredHosts: { total: number; items: HostView[] } }>(HOSTS, { scanId, filter }, adminToken);
  expect(result.errors).toBeUndefined();
  return result.data!.discoveredHosts.items;
}

const openSet = (hosts: HostView[]) => hosts.flatMap((host) => host.ports.map((port) => `${host.address}:${port.port}`)).sort();

beforeAll(async () => {
  adminToken = (await loginAsAdmin()).accessToken;
  sshd = await startSshd();
  certDir = mkdtempSync(path.join(os.tmpdir(), "opsc-disco-tls-"));
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30",
    "-subj", "/CN=discovery-e2e.test/O=OpsConductor Tests", "-keyout", path.join(certDir, "key.pem"), "-out", path.join(certDir, "cert.pem"),
  ], { stdio: "ignore" });
  for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await freeLoopbackPort();
  const web = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html", server: "e2e-web/1.0" }).end(page("Discovery E2E Dashboard")));
  await listen(web, HTTP_HOST, ports.http);
  smtp = smtpServer();
  await listen(smtp, SMTP_HOST, ports.smtp);
  const secure = https.createServer({ key: readFileSync(path.join(certDir, "key.pem")), cert: readFileSync(path.join(certDir, "cert.pem")) }, (_req, res) =>
    res.writeHead(200, { "content-type": "text/html" }).end(page("Secure Console")),
  );
  await listen(secure, TLS_HOST, ports.https);
  servers.push(web, secure);
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map(close));
  if (smtp.listening) await close(smtp);
  await sshd?.stop();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

describe("discovery through the gateway", () => {
  let firstScan: ScanView;
  let hosts: HostView[];
  const scanPorts = () => [sshd.ports[0], ports.http, ports.smtp, ports.https, ports.closed1, ports.closed2, ports.later];

  it("finds exactly the open ports of the loopback listeners, with banners, title, TLS subject and a classification", async () => {
    firstScan = await scanOf(scanPorts());
    expect(firstScan).toMatchObject({ status: "COMPLETED", error: null });
    // 127.0.0.0/28 without its network and broadcast addresses.
    expect(firstScan.progress).toMatchObject({ hostsTotal: 14, hostsDone: 14, hostsUp: 14, openPorts: 4 });
    expect(firstScan.progress.portsProbed).toBeGreaterThanOrEqual(14 * 7);

    hosts = await hostsOf(firstScan.id);
    expect(openSet(hosts)).toEqual(
      [`127.0.0.1:${sshd.ports[0]}`, `${HTTP_HOST}:${ports.http}`, `${SMTP_HOST}:${ports.smtp}`, `${TLS_HOST}:${ports.https}`].sort(),
    );
    const byAddress = new Map(hosts.map((host) => [host.address, host]));
    const ssh = byAddress.get("127.0.0.1")!;
    expect(ssh.hostname).toBe("localhost");
    expect(ssh.ports[0]).toMatchObject({ service: "ssh", banner: expect.stringMatching(/^SSH-2\.0-OpenSSH_/) });
    expect(ssh.classification).toMatchObject({ osFamily: "LINUX", deviceTypeKey: "linux-server", suggestedMethods: [{ type: "SSH", port: sshd.ports[0] }] });
    expect(ssh.classification.osConfidence).toBeGreaterThan(0.5);

    expect(byAddress.get(HTTP_HOST)!.ports[0]).toMatchObject({ service: "http", httpServer: "e2e-web/1.0", httpTitle: "Discovery E2E Dashboard" });
    expect(byAddress.get(HTTP_HOST)!.classification.suggestedMethods).toEqual([{ type: "HTTP", port: ports.http, detail: "HTTP" }]);

    expect(byAddress.get(SMTP_HOST)!.ports[0]).toMatchObject({ service: "smtp", banner: "220 mail.discovery.test ESMTP Postfix (Debian/GNU)" });

    const tlsPort = byAddress.get(TLS_HOST)!.ports[0];
    expect(tlsPort).toMatchObject({ service: "https", httpTitle: "Secure Console", tlsSubject: "CN=discovery-e2e.test, O=OpsConductor Tests" });
    expect(new Date(tlsPort.tlsExpiresAt!).getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3_600_000);

    // Filters.
    expect((await hostsOf(firstScan.id, { hasPort: ports.smtp })).map((host) => host.address)).toEqual([SMTP_HOST]);
    expect((await hostsOf(firstScan.id, { search: "secure console" })).map((host) => host.address)).toEqual([TLS_HOST]);
    expect((await hostsOf(firstScan.id, { osFamily: "LINUX" })).map((host) => host.address)).toContain("127.0.0.1");
  });

  it("imports the hosts as targets that then appear in targets; a second import reports them as existing", async () => {
    const tag = unique("disc").toLowerCase().slice(0, 40);
    const ids = hosts.map((host) => host.id);
    const first = await gql<{ importDiscoveredHosts: { created: number; existing: number; failed: number; results: Array<{ status: string; targetId: string }> } }>(
      IMPORT,
      { ids, defaults: { environment: "lab", tags: [tag] } },
      adminToken,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data?.importDiscoveredHosts).toMatchObject({ created: 4, existing: 0, failed: 0 });

    const listed = await gql<{ targets: { total: number; items: Array<{ address: string; port: number; environment: string }> } }>(
      `query($filter: TargetFilter) { targets(filter: $filter, pagination: { limit: 100 }) { total items { address port environment } } }`,
      { filter: { tags: [tag] } },
      adminToken,
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.targets.items.map((target) => `${target.address}:${target.port}`).sort()).toEqual(openSet(hosts));
    expect(listed.data?.targets.items.every((target) => target.environment === "lab")).toBe(true);

    const after = await hostsOf(firstScan.id);
    expect(after.every((host) => host.status === "IMPORTED" && host.existingTarget)).toBe(true);

    const second = await gql<{ importDiscoveredHosts: { created: number; existing: number; results: Array<{ status: string; targetId: string }> } }>(IMPORT, { ids, defaults: { tags: [tag] } }, adminToken);
    expect(second.errors).toBeUndefined();
    expect(second.data?.importDiscoveredHosts).toMatchObject({ created: 0, existing: 4 });
    expect(second.data?.importDiscoveredHosts.results.map((result) => result.targetId).sort()).toEqual(first.data?.importDiscoveredHosts.results.map((result) => result.targetId).sort());
  });

  it("diffs against the previous scan of the same ranges: a closed listener is a closed port, a new one an opened port", async () => {
    await close(smtp);
    const later = http.createServer((_req, res) => res.end(page("Later")));
    await listen(later, LATER_HOST, ports.later);
    servers.push(later);
    const second = await scanOf(scanPorts(), { hostDiscovery: "NONE" });
    expect(second.status).toBe("COMPLETED");
    const diff = await gql<{ scanDiff: { previousScanId: string; newHosts: string[]; vanishedHosts: string[]; openedPorts: unknown[]; closedPorts: unknown[] } }>(DIFF, { scanId: second.id }, adminToken);
    expect(diff.errors).toBeUndefined();
    expect(diff.data?.scanDiff).toEqual({
      previousScanId: firstScan.id,
      newHosts: [LATER_HOST],
      vanishedHosts: [SMTP_HOST],
      openedPorts: [{ address: LATER_HOST, port: ports.later }],
      closedPorts: [{ address: SMTP_HOST, port: ports.smtp }],
    });
  });

  it("follows a scan live over scanUpdated (graphql-ws through the gateway) until it completes", async () => {
    const live = liveClient(gatewayUrl, adminToken);
    try {
      const started = await gql<{ startScan: ScanView }>(START, { input: { name: unique("live"), ranges: ["127.0.0.0/28"], ports: scanPorts().join(",") } }, adminToken);
      expect(started.errors).toBeUndefined();
      const updates = collect(live.client, {
        query: "subscription($id: ID!) { scanUpdated(scanId: $id) { id status progress { hostsDone openPorts } } }",
        variables: { id: started.data!.startScan.id },
      });
      const results = await updates.until((result) => (result.data?.scanUpdated as ScanView | undefined)?.status === "COMPLETED");
      updates.unsubscribe();
      const last = results.at(-1)!.data!.scanUpdated as ScanView;
      expect(last.progress).toEqual({ hostsDone: 14, openPorts: 4 });
      expect(results.every((result) => !result.errors)).toBe(true);
    } finally {
      await live.client.dispose();
    }
  });

  it("cancels a running scan within 2 s", async () => {
    const started = await gql<{ startScan: ScanView }>(
      START,
      { input: { name: unique("big"), ranges: ["127.0.0.0/16"], ports: "1-1000", hostDiscovery: "NONE", concurrency: 200 } },
      adminToken,
    );
    expect(started.errors).toBeUndefined();
    const id = started.data!.startScan.id;
    await waitForScan(id, (scan) => scan.status === "RUNNING" && scan.progress.portsProbed > 0);
    const cancelled = await gql<{ cancelScan: ScanView }>(CANCEL, { id }, adminToken);
    expect(cancelled.errors).toBeUndefined();
    const done = await waitForScan(id);
    expect(done.status).toBe("CANCELLED");
    expect(new Date(done.finishedAt!).getTime() - new Date(done.cancelRequestedAt!).getTime()).toBeLessThanOrEqual(2_000);
    // Stopped: no more progress after the end.
    const probed = done.progress.portsProbed;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await waitForScan(id)).progress.portsProbed).toBe(probed);
    expect(probed).toBeLessThan(65_534 * 1_000);
  });

  it("refuses a scan over the size limit as BAD_USER_INPUT naming the field, and writes nothing", async () => {
    const count = async () => (await gql<{ scans: { total: number } }>(`{ scans { total } }`, {}, adminToken)).data!.scans.total;
    const before = await count();
    const tooBig = await gql(START, { input: { name: unique("huge"), ranges: ["127.0.0.0/8"], ports: "top-100" } }, adminToken);
    expect(errorCodes(tooBig)).toEqual(["BAD_USER_INPUT"]);
    expect(tooBig.errors?.[0]?.extensions?.field).toBe("input.ranges");
    expect(tooBig.errors?.[0]?.message).toMatch(/at most 65536/);
    const badPorts = await gql(START, { input: { name: unique("bad"), ranges: ["127.0.0.1"], ports: "22,70000" } }, adminToken);
    expect(badPorts.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.ports" });
    const multicast = await gql(START, { input: { name: unique("bad"), ranges: ["127.0.0.1", "224.0.0.1"], ports: "80" } }, adminToken);
    expect(multicast.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.ranges[1]" });
    expect(await count()).toBe(before);
  });

  it("a viewer reads scans but gets FORBIDDEN starting, cancelling or importing", async () => {
    const viewer = await createUserAndLogin(adminToken, ["VIEWER"]);
    const start = await gql(START, { input: { name: unique("v"), ranges: ["127.0.0.1"], ports: "22" } }, viewer.accessToken);
    expect(errorCodes(start)).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await gql(CANCEL, { id: firstScan.id }, viewer.accessToken))).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await gql(IMPORT, { ids: [hosts[0].id] }, viewer.accessToken))).toEqual(["FORBIDDEN"]);
    const read = await gql<{ scan: ScanView }>(SCAN, { id: firstScan.id }, viewer.accessToken);
    expect(read.errors).toBeUndefined();
    expect(read.data?.scan.status).toBe("COMPLETED");
  });
});
