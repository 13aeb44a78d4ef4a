// @ts-check
// The service registry. Each subgraph declares its own facts once, in subgraphs/<name>/service.json
// ({ port, description, seedOrder?, dependsOn?, secrets?, workers? }: secrets are the per-install variables only it gets,
// workers the number of worker processes (`subgraph work`) a stack starts besides the service); every other fact follows a rule from its name:
// database `<name>_db`, URL variable `<NAME>_URL`, e2e/bench ports at a fixed offset. The launcher,
// set-up, tests, benchmark, composition, compose file, init.sql and README table all read this
// module (CommonJS, so both the .mjs scripts and Jest can load it). A new service adds a folder.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../..");
const SUBGRAPHS_DIR = path.join(ROOT, "subgraphs");
const NAME = /^[a-z][a-z0-9]{1,30}$/;

/** Ports of each kind of stack: dev (the registry's own ports), e2e tests and the benchmark. */
const PORT_OFFSETS = Object.freeze({ dev: 0, e2e: 10000, bench: 20000 });
const GATEWAY = Object.freeze({ name: "gateway", port: 4000 });
/** The web console (web/server.cjs): static files, /graphql passed to the gateway. */
const WEB = Object.freeze({ name: "web", port: 3000 });
/** Fixed id of the built-in admin (users and auth both seed it). */
const ADMIN_USER_ID = "00000000-0000-4000-8000-000000000001";

/**
 * @typedef {{ name: string, port: number, description: string, seedOrder: number | null, dependsOn: string[],
 *   secrets: string[], workers: number, database: string, urlVariable: string, dir: string }} Service
 */

/** @param {string} name */
const databaseOf = (name) => `${name}_db`;
/** @param {string} name */
const urlVariableOf = (name) => `${name.toUpperCase()}_URL`;

/** @param {string} name @param {string} dir @returns {Service} */
function load(name, dir) {
  const file = path.join(dir, "service.json");
  /** @type {Record<string, unknown>} */
  const raw = JSON.parse(fs.readFileSync(file, "utf8"));
  const problems = [];
  if (!NAME.test(name)) problems.push(`folder name must match ${NAME}`);
  if (!Number.isInteger(raw.port) || /** @type {number} */ (raw.port) < 1024 || /** @type {number} */ (raw.port) > 9999) problems.push("port must be an integer 1024-9999");
  if (raw.seedOrder !== undefined && !Number.isInteger(raw.seedOrder)) problems.push("seedOrder must be an integer");
  if (raw.dependsOn !== undefined && !(Array.isArray(raw.dependsOn) && raw.dependsOn.every((d) => typeof d === "string"))) problems.push("dependsOn must be a list of service names");
  if (raw.secrets !== undefined && !(Array.isArray(raw.secrets) && raw.secrets.every((d) => typeof d === "string" && /^[A-Z][A-Z0-9_]*$/.test(d)))) problems.push("secrets must be a list of variable names");
  if (raw.workers !== undefined && !(Number.isInteger(raw.workers) && /** @type {number} */ (raw.workers) >= 0)) problems.push("workers must be an integer 0 or more");
  const known = new Set(["port", "description", "seedOrder", "dependsOn", "secrets", "workers"]);
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push(`unknown key ${key}`);
  if (problems.length) throw new Error(`${path.relative(ROOT, file)}: ${problems.join("; ")}`);
  return {
    name,
    port: /** @type {number} */ (raw.port),
    description: typeof raw.description === "string" ? raw.description : "",
    seedOrder: raw.seedOrder === undefined ? null : /** @type {number} */ (raw.seedOrder),
    dependsOn: /** @type {string[]} */ (raw.dependsOn ?? []),
    secrets: /** @type {string[]} */ (raw.secrets ?? []),
    workers: /** @type {number} */ (raw.workers ?? 0),
    database: databaseOf(name),
    urlVariable: urlVariableOf(name),
    dir,
  };
}

/** @param {string} [root] @returns {Service[]} every subgraph with a service.json, by port */
function loadServices(root = SUBGRAPHS_DIR) {
  const services = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(root, entry.name, "service.json")))
    .map((entry) => load(entry.name, path.join(root, entry.name)))
    .sort((a, b) => a.port - b.port);
  const names = new Set(services.map((service) => service.name));
  const ports = new Map();
  for (const service of services) {
    const clash = ports.get(service.port) ?? (service.port === GATEWAY.port ? "gateway" : undefined);
    if (clash) throw new Error(`subgraphs/${service.name}/service.json: port ${service.port} is taken by ${clash}`);
    ports.set(service.port, service.name);
    for (const dependency of service.dependsOn) {
      if (!names.has(dependency)) throw new Error(`subgraphs/${service.name}/service.json: dependsOn names unknown service ${dependency}`);
    }
  }
  return services;
}

const SERVICES = loadServices();

/** Services that seed data, in the order their seeds run. @returns {Service[]} */
const seedOrder = (services = SERVICES) =>
  services.filter((service) => service.seedOrder !== null).sort((a, b) => /** @type {number} */ (a.seedOrder) - /** @type {number} */ (b.seedOrder));

/**
 * name → port for one kind of stack, gateway included.
 * @param {keyof typeof PORT_OFFSETS} kind
 * @param {number} [offsetOverride] another offset for this kind (two test runs side by side)
 * @returns {Record<string, number>}
 */
function portsFor(kind, services = SERVICES, offsetOverride = undefined) {
  const offset = offsetOverride ?? PORT_OFFSETS[kind];
  if (offset === undefined) throw new Error(`unknown stack kind ${kind}`);
  return Object.fromEntries([...services, GATEWAY].map(({ name, port }) => [name, port + offset]));
}

/**
 * The web console's port for one kind of stack (3000, 13000 for e2e, …).
 * @param {keyof typeof PORT_OFFSETS} kind
 * @param {number} [offsetOverride]
 */
const webPortFor = (kind, offsetOverride = undefined) => WEB.port + (offsetOverride ?? PORT_OFFSETS[kind]);

/** The next free port for a new service. */
const nextPort = (services = SERVICES) => Math.max(8000, ...services.map((service) => service.port)) + 1;

module.exports = { ROOT, SERVICES, GATEWAY, WEB, webPortFor, PORT_OFFSETS, ADMIN_USER_ID, loadServices, seedOrder, portsFor, nextPort, databaseOf, urlVariableOf };
