#!/usr/bin/env node
// `npm run keys:rotate`: re-encrypts every targets credential secret under a new data key version.
// Uses DATABASE_URL / TARGETS_MASTER_KEY when set, else this checkout's dev database and .data/secrets.json.
import { execFileSync } from "node:child_process";
import path from "node:path";
import registry from "./lib/registry.cjs";
import { localSecrets, POSTGRES_URL } from "./setup.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const targets = registry.SERVICES.find((service) => service.name === "targets");
const url = new URL(POSTGRES_URL);
url.pathname = `/${targets.database}`;
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? url.toString(),
  ...(process.env.TARGETS_MASTER_KEY || process.env.TARGETS_MASTER_KEY_FILE ? {} : { TARGETS_MASTER_KEY: localSecrets().TARGETS_MASTER_KEY }),
};
execFileSync("npm", ["run", "build", "-w", "@opsconductor/targets"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
try {
  execFileSync(process.execPath, [path.join(root, "subgraphs/targets/dist/rotate-keys.js")], { cwd: root, env, stdio: "inherit" });
} catch (error) {
  process.exit(error.status ?? 1);
}
