import "reflect-metadata";
import { createLogger, runMain } from "@opsconductor/kit";
import { start } from "./app";
import { loadEnv } from "./env";

const env = loadEnv();
const logger = createLogger("auth", env.LOG_LEVEL);
runMain(logger, async () => {
  await start(env, { logger });
});
