#!/usr/bin/env node
// `npm run keys:rotate`: re-encrypts every targets credential secret under a new data key version.
// `npm run keys:rotate -- --new-master-key`: then also re-wraps the data keys under a new master key.
// Uses DATABASE_URL / TARGETS_MASTER_KEY (and TARGETS_NEW_MASTER_KEY) when set, else this checkout's dev
// database and .data/secrets.json (a new master key is generated and stored there once the re-wrap succeeded).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import registry from "./lib/registry.cjs";
import { localSecrets, POSTGRES_URL } from "./setup.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const replaceMaster = process.argv.slice(2).includes("--new-master-key");
const local = !(process.env.TARGETS_MASTER_KEY || process.env.TARGETS_MASTER_KEY_FILE);
const targets = registry.SERVICES.find((service) => service.name === "targets");
const url = new URL(POSTGRES_URL);
url.pathname = `/${targets.database}`;
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? url.toString() };
const secretsFile = path.join(root, ".data", "secrets.json");
const pendingFile = path.join(root, ".data", "targets-master-key.next");

if (local) env.TARGETS_MASTER_KEY = localSecrets().TARGETS_MASTER_KEY;
if (replaceMaster && !env.TARGETS_NEW_MASTER_KEY && !env.TARGETS_NEW_MASTER_KEY_FILE) {
  if (!local) {
    console.error("keys:rotate --new-master-key: set TARGETS_NEW_MASTER_KEY (64 hex) or TARGETS_NEW_MASTER_KEY_FILE");
    process.exit(2);
  }
  env.TARGETS_NEW_MASTER_KEY = randomBytes(32).toString("hex");
  // Written before the re-wrap, so the new key survives whatever happens next.
  fs.writeFileSync(pendingFile, env.TARGETS_NEW_MASTER_KEY, { mode: 0o600 });
}

execFileSync("npm", ["run", "build", "-w", "@opsconductor/targets"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
try {
  execFileSync(process.execPath, [path.join(root, "subgraphs/targets/dist/rotate-keys.js")], { cwd: root, env, stdio: "inherit" });
} catch (error) {
  process.exit(error.status ?? 1);
}
if (local && replaceMaster && fs.existsSync(pendingFile)) {
  const secrets = JSON.parse(fs.readFileSync(secretsFile, "utf8"));
  fs.writeFileSync(secretsFile, JSON.stringify({ ...secrets, TARGETS_MASTER_KEY: env.TARGETS_NEW_MASTER_KEY }, null, 2), { mode: 0o600 });
  fs.rmSync(pendingFile);
  console.log("keys:rotate: .data/secrets.json now holds the new master key; restart `npm start`");
}
