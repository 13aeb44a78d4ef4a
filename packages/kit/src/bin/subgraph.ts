#!/usr/bin/env node
// The one entry point of every subgraph, so no service carries its own index/sdl/seed files:
//   subgraph serve <service-dir> [<service-dir> ...]   one service (env from process.env), or several
//                                                      in one process (env per service from
//                                                      OPSC_SERVICE_ENVS, a JSON map name → env)
//   subgraph work  <service-dir>                       the service's background workers (its `workers`
//                                                      hook), in a process of their own
//   subgraph seed  <service-dir>                       the service's idempotent seed
//   subgraph sdl   <service-dir>                       its SDL, for static composition
// <service-dir>/dist/subgraph.js default-exports the service's defineSubgraph(...).
import "reflect-metadata";
import path from "node:path";
import { definitionSdl, loadDefinitionEnv, runWorkers, seedSubgraph, serveSubgraph, type RunningSubgraph, type SubgraphDefinition } from "../define";
import { createLogger } from "../logger";

function load(dir: string): SubgraphDefinition {
  const file = path.resolve(dir, "dist", "subgraph.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- definitions are found at run time
  const loaded = require(file) as { default?: SubgraphDefinition };
  const definition = loaded.default;
  if (!definition?.name) throw new Error(`${file} does not default-export a defineSubgraph(...)`);
  const folder = path.basename(path.resolve(dir));
  if (definition.name !== folder) throw new Error(`${file} defines "${definition.name}" but lives in subgraphs/${folder}`);
  return definition;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function serve(dirs: string[]) {
  const definitions = dirs.map(load);
  const single = definitions.length === 1;
  const envs = single ? undefined : (JSON.parse(process.env.OPSC_SERVICE_ENVS ?? "null") as Record<string, NodeJS.ProcessEnv> | null);
  if (!single && !envs) fail("serving several subgraphs in one process needs OPSC_SERVICE_ENVS (a JSON map name → environment)");
  const running: RunningSubgraph[] = [];
  const logger = createLogger(single ? definitions[0].name : "subgraphs", "info");
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const subgraph of [...running].reverse()) await subgraph.stop();
    process.exit(code);
  };
  try {
    for (const definition of definitions) {
      const env = loadDefinitionEnv(definition, single ? process.env : (envs![definition.name] ?? fail(`OPSC_SERVICE_ENVS has no entry for ${definition.name}`)));
      running.push(await serveSubgraph(definition, env, { handleSignals: single }));
    }
  } catch (error) {
    logger.error("failed to start", { error });
    await stopAll(1);
  }
  if (!single) {
    const onSignal = (signal: string) => {
      if (stopping) process.exit(1);
      logger.info("shutting down", { signal });
      void stopAll(0);
    };
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    process.on("SIGINT", () => onSignal("SIGINT"));
  }
}

async function main() {
  const [command, ...dirs] = process.argv.slice(2);
  if (!command || dirs.length === 0) fail("usage: subgraph serve|work|seed|sdl <service-dir> [<service-dir> ...]");
  if (command === "serve") return serve(dirs);
  if (dirs.length !== 1) fail(`${command} takes one service directory`);
  const definition = load(dirs[0]);
  if (command === "sdl") {
    process.stdout.write(`${(await definitionSdl(definition)).trim()}\n`);
    return;
  }
  if (command === "work") {
    const env = loadDefinitionEnv(definition, process.env);
    try {
      await runWorkers(definition, env);
    } catch (error) {
      fail(`${definition.name} workers failed to start: ${(error as Error).message}`);
    }
    return;
  }
  if (command === "seed") {
    const env = loadDefinitionEnv(definition, process.env);
    process.stdout.write(`${await seedSubgraph(definition, env)}\n`);
    return;
  }
  fail(`unknown command ${command}`);
}

main().catch((error: unknown) => fail(`subgraph ${process.argv[2]} failed: ${(error as Error).message}`));
