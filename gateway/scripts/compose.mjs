#!/usr/bin/env node
// Static supergraph composition: each subgraph prints its SDL (`node dist/sdl.js`, no server, no
// database) into subgraphs/<name>/schema.graphql; @apollo/composition composes them into
// gateway/supergraph.graphql, and prints the client-facing API schema (no federation directives) to
// gateway/schema.graphql for codegen and the explorer. Composition errors fail. `--check` fails when a committed file is stale.
import { composeServices } from "@apollo/composition";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse, printSchema } from "graphql";
import { SERVICES } from "../../scripts/lib/services.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const check = process.argv.includes("--check");
const stale = [];

function writeOrCheck(file, content) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  if (current === content) return;
  if (check) stale.push(path.relative(root, file));
  else fs.writeFileSync(file, content);
}

const services = SERVICES.map(({ name, port }) => {
  const dir = path.join(root, "subgraphs", name);
  const sdl = execFileSync(process.execPath, [path.join(dir, "dist", "sdl.js")], { encoding: "utf8" });
  writeOrCheck(path.join(dir, "schema.graphql"), sdl);
  return { name, url: `http://127.0.0.1:${port}/graphql`, typeDefs: parse(sdl) };
});

const result = composeServices(services);
if (result.errors?.length) {
  console.error("Composition failed:");
  for (const error of result.errors) console.error(`  - ${error.message}`);
  process.exit(1);
}
writeOrCheck(path.join(root, "gateway", "supergraph.graphql"), result.supergraphSdl);
writeOrCheck(path.join(root, "gateway", "schema.graphql"), `${printSchema(result.schema.toAPISchema().toGraphQLJSSchema())}\n`);
if (stale.length) {
  console.error(`Stale composed schema; run \`npm run compose\` and commit:\n  ${stale.join("\n  ")}`);
  process.exit(1);
}
console.log(check ? "supergraph is up to date" : `composed ${services.length} subgraphs into gateway/supergraph.graphql`);
