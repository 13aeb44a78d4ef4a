import "reflect-metadata";
import { subgraphSdl } from "@opsconductor/kit";
import { targetsSchema } from "./schema";

// Prints the subgraph SDL for static composition (gateway/scripts/compose.mjs); needs no database or server.
subgraphSdl(targetsSchema).then(
  (sdl) => process.stdout.write(`${sdl.trim()}\n`),
  (error: unknown) => {
    process.stderr.write(`cannot print the targets SDL: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
