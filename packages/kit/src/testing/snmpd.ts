import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A real Net-SNMP agent (/usr/sbin/snmpd) on a loopback address (127.0.0.1 unless `host`) and a free
 * UDP port, run as the current user with a generated config and a temporary persistent directory: a
 * v1/v2c read-only community (readable from 127.0.0.0/8) with the given sysDescr/sysName, and SNMPv3
 * USM users (createUser), each allowed to read at its level. Stopped (and its directory removed) by stop().
 */

export interface SnmpUser {
  name: string;
  /** Net-SNMP's names: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512. */
  auth?: { protocol: string; password: string };
  /** DES, AES, AES-192, AES-256. */
  priv?: { protocol: string; password: string };
}

export interface SnmpdFixture {
  host: string;
  port: number;
  community: string;
  sysDescr: string;
  sysName: string;
  stop(): Promise<void>;
}

export const SNMPD = "/usr/sbin/snmpd";

/** A UDP port on `host` that was free a moment ago. */
export const freeUdpPort = (host = "127.0.0.1") =>
  new Promise<number>((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });

export interface SnmpdOptions {
  community: string;
  users?: SnmpUser[];
  sysDescr?: string;
  sysName?: string;
  host?: string;
  /**
   * Whether the agent answers yet (e.g. a v2c GET of sysDescr.0 with the community); by default the agent
   * is ready once it logs its "NET-SNMP version" line, which it does after opening its transports.
   */
  ready?: (agent: { host: string; port: number; community: string; sysDescr: string }) => Promise<boolean>;
}

export async function startSnmpd(options: SnmpdOptions): Promise<SnmpdFixture> {
  const host = options.host ?? "127.0.0.1";
  if (!host.startsWith("127.")) throw new Error("the test snmpd listens on loopback only");
  const dir = mkdtempSync(path.join(os.tmpdir(), "opsc-snmpd-"));
  const sysDescr = options.sysDescr ?? "OpsConductor test agent";
  const sysName = options.sysName ?? "opsc-test-agent";
  const port = await freeUdpPort(host);
  const config = path.join(dir, "snmpd.conf");
  const lines = [`rocommunity ${options.community} 127.0.0.0/8`, `sysDescr ${sysDescr}`, `sysName ${sysName}`];
  for (const user of options.users ?? []) {
    const auth = user.auth ? ` ${user.auth.protocol} "${user.auth.password}"` : "";
    const priv = user.auth && user.priv ? ` ${user.priv.protocol} "${user.priv.password}"` : "";
    lines.push(`createUser ${user.name}${auth}${priv}`, `rouser ${user.name} ${user.priv ? "priv" : user.auth ? "auth" : "noauth"}`);
  }
  writeFileSync(config, `${lines.join("\n")}\n`, { mode: 0o600 });
  let output = "";
  const agent: ChildProcess = spawn(SNMPD, ["-f", "-Lo", "-C", "-c", config, `udp:${host}:${port}`], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: dir, MIBS: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  agent.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  agent.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => agent.once("exit", () => resolve()));
  const stop = async () => {
    if (agent.exitCode === null && agent.signalCode === null) {
      agent.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const ready = options.ready ?? (async () => /NET-SNMP version/.test(output));
  for (let i = 0; i < 100; i++) {
    if (agent.exitCode !== null) break;
    if (await ready({ host, port, community: options.community, sysDescr }).catch(() => false)) return { host, port, community: options.community, sysDescr, sysName, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`snmpd did not answer on ${host}:${port}: ${output.slice(-2000)}`);
}
