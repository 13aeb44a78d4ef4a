import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

/** `docker compose` (plugin) where present, else the standalone `docker-compose`; null when neither runs. */
function composeCommand(): string[] | null {
  if (spawnSync("docker", ["compose", "version"]).status === 0) return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"]).status === 0) return ["docker-compose"];
  return null;
}

const compose = composeCommand();
const describeCompose = compose ? describe : describe.skip;
if (!compose) process.stderr.write("docker-compose.yml check skipped: no docker compose client on this machine\n");

describeCompose("docker-compose.yml", () => {
  const run = (env: Record<string, string>) =>
    spawnSync(compose![0], [...compose!.slice(1), "config"], { cwd: root, env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8" });

  it("is valid under `docker compose config` and defines the infrastructure, every service built so far and the gateway", () => {
    const result = run({ SERVICE_TOKEN: "s".repeat(40), AUTH_SECRETS_KEY: "a".repeat(64), TARGETS_MASTER_KEY: "b".repeat(64), EXECUTIONS_SECRETS_KEY: "c".repeat(64), NOTIFICATIONS_SECRETS_KEY: "d".repeat(64) });
    expect(result.stderr).not.toMatch(/error|invalid/i);
    expect(result.status).toBe(0);
    for (const service of ["postgres:", "redis:", "rabbitmq:", "auth:", "users:", "targets:", "gateway:"]) {
      expect(result.stdout).toContain(service);
    }
    expect(result.stdout).toContain("noeviction");
  });

  it("refuses to render without the required secrets, naming them", () => {
    const result = run({});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/SERVICE_TOKEN|AUTH_SECRETS_KEY/);
  });
});

describe("docker-compose.yml (read as text, no Docker needed)", () => {
  it("does not force introspection on for the production gateway", () => {
    const text = fs.readFileSync(path.join(root, "docker-compose.yml"), "utf8");
    const gateway = /\n {2}gateway:\n([\s\S]*?)(?=\n {2}\S|\n\S|$)/.exec(text)?.[1] ?? "";
    expect(gateway).toContain("PORT:");
    expect(gateway).not.toMatch(/INTROSPECTION:\s*["']?(true|1)["']?\s*$/m);
    expect(gateway).not.toMatch(/INTROSPECTION:\s*\$\{INTROSPECTION:-(true|1)\}/);
  });
});
