import { createLogger, runMain } from "@opsconductor/kit/gateway";
import { start } from "./app";
import { loadEnv } from "./env";

const env = loadEnv();
runMain(createLogger("gateway", env.LOG_LEVEL), async () => {
  await start(env);
});
