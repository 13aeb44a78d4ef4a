import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Client } from "pg";

/* eslint-disable @typescript-eslint/no-require-imports -- the scripts' CommonJS modules */
const registry = require("../lib/registry.cjs") as {
  SERVICES: Array<{ name: string; port: number; database: string; urlVariable: string; secrets: string[]; seedOrder: number | null }>;
  loadServices(root: string): Array<{ name: string; port: number }>;
  portsFor(kind: string, services?: unknown, offset?: number): Record<string, number>;
  seedOrder(): Array<{ name: string }>;
};
const { stackEnv } = require("../lib/stack.cjs") as {
  stackEnv(options: Record<string, unknown>): Record<string, Record<string, string>>;
};
const { claimDevDatabases } = require("../lib/devdata.cjs") as { claimDevDatabases(dbs: string[], secrets: object): Promise<void> };
/* eslint-enable @typescript-eslint/no-require-imports */

function tree(manifests: Record<string, unknown>) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsc-registry-"));
  for (const [name, manifest] of Object.entries(manifests)) {
    fs.mkdirSync(path.join(root, name));
    fs.writeFileSync(path.join(root, name, "service.json"), JSON.stringify(manifest));
  }
  return root;
}

describe("service registry", () => {
  it("derives database, URL variable and ports by one rule for every registered service", () => {
    expect(registry.SERVICES.length).toBeGreaterThanOrEqual(3);
    for (const service of registry.SERVICES) {
      expect(service.database).toBe(`${service.name}_db`);
      expect(service.urlVariable).toBe(`${service.name.toUpperCase()}_URL`);
      expect(fs.existsSync(path.join(__dirname, "../../prisma", service.name, "schema.prisma"))).toBe(true);
    }
    const e2e = registry.portsFor("e2e");
    for (const service of registry.SERVICES) expect(e2e[service.name]).toBe(service.port + 10000);
    expect(e2e.gateway).toBe(14000);
    expect(registry.portsFor("e2e", undefined, 30000).gateway).toBe(34000);
  });

  it("seeds users before auth (the admin's profile before its credential)", () => {
    const order = registry.seedOrder().map((service) => service.name);
    expect(order.indexOf("users")).toBeLessThan(order.indexOf("auth"));
  });

  it("refuses a port used twice, an unknown dependency, an unknown key and a bad name, naming the file", () => {
    expect(() => registry.loadServices(tree({ aa: { port: 8101 }, bb: { port: 8101 } }))).toThrow(/bb\/service.json: port 8101 is taken by aa/);
    expect(() => registry.loadServices(tree({ aa: { port: 8101, dependsOn: ["zz"] } }))).toThrow(/dependsOn names unknown service zz/);
    expect(() => registry.loadServices(tree({ aa: { port: 8101, colour: "red" } }))).toThrow(/unknown key colour/);
    expect(() => registry.loadServices(tree({ "Bad-Name": { port: 8101 } }))).toThrow(/folder name must match/);
    expect(() => registry.loadServices(tree({ aa: { port: 4000 } }))).toThrow(/port 4000 is taken by gateway/);
  });

  it("gives each process only the secrets its service.json names, and every sibling's URL", () => {
    const ports = registry.portsFor("e2e");
    const databases = Object.fromEntries(registry.SERVICES.map((service) => [service.name, service.database]));
    const secrets = { SERVICE_TOKEN: "t".repeat(40), AUTH_SECRETS_KEY: "a".repeat(64), TARGETS_MASTER_KEY: "b".repeat(64), EXECUTIONS_SECRETS_KEY: "c".repeat(64), NOTIFICATIONS_SECRETS_KEY: "d".repeat(64) };
    const envs = stackEnv({ mode: "test", secrets, ports, databases, postgresUrl: "postgresql://postgres@127.0.0.1:5432/postgres" });
    for (const service of registry.SERVICES) {
      const env = envs[service.name];
      expect(env.PORT).toBe(String(ports[service.name]));
      expect(env.DATABASE_URL).toMatch(new RegExp(`/${service.database}$`));
      for (const sibling of registry.SERVICES) expect(env[sibling.urlVariable]).toBe(`http://127.0.0.1:${ports[sibling.name]}`);
      for (const name of ["AUTH_SECRETS_KEY", "TARGETS_MASTER_KEY", "EXECUTIONS_SECRETS_KEY", "NOTIFICATIONS_SECRETS_KEY"]) {
        expect(name in env).toBe(service.secrets.includes(name));
      }
    }
    expect(JSON.parse(envs.gateway.SUBGRAPH_URLS)).toEqual(Object.fromEntries(registry.SERVICES.map((s) => [s.name, `http://127.0.0.1:${ports[s.name]}`])));
    expect("AUTH_SECRETS_KEY" in envs.gateway).toBe(false);
  });
});

describe("dev data claimed by one checkout", () => {
  const database = `opsc_claim_${randomBytes(4).toString("hex")}`;
  const admin = () => new Client({ connectionString: process.env.POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" });
  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`CREATE DATABASE "${database}"`);
    await client.end();
  });
  afterAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  it("lets the checkout that set the databases up in, and stops another in one line naming npm run reset", async () => {
    await claimDevDatabases([database], { SERVICE_TOKEN: "one" });
    await claimDevDatabases([database], { SERVICE_TOKEN: "one" });
    const refused = claimDevDatabases([database], { SERVICE_TOKEN: "another checkout" });
    await expect(refused).rejects.toThrow(/set up by another checkout.*`npm run reset`/);
    await refused.catch((error: Error) => expect(error.message.split("\n")).toHaveLength(1));
  });
});
