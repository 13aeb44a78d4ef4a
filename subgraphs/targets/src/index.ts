import "reflect-metadata";
import { createLogger, runMain } from "@opsconductor/kit";
import { start } from "./app";
import { loadEnv } from "./env";

const env = loadEnv();
runMain(createLogger("targets", env.LOG_LEVEL), async () => {
  await start(env);
});
