import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

// Starts the built gateway (dist/, as `npm start` runs it) in a child process and lists every module it loaded.
const probe = `
  const { start } = require("./gateway/dist/app.js");
  const { loadEnv } = require("./gateway/dist/env.js");
  start(loadEnv({ ...process.env, PORT: "0", LOG_LEVEL: "silent" }), { handleSignals: false }).then(async ({ lifecycle }) => {
    process.stdout.write(JSON.stringify(Object.keys(require.cache)));
    await lifecycle.shutdown();
    process.exit(0);
  }, (error) => { console.error(error); process.exit(1); });
`;

describe("the gateway process", () => {
  it("loads neither Prisma, amqplib nor type-graphql (kit's gateway entry point keeps them out)", () => {
    const run = spawnSync(process.execPath, ["-e", probe], { cwd: root, encoding: "utf8", timeout: 60_000, env: { ...process.env, REDIS_KEY_PREFIX: "opsc-modules-test:", SERVICE_TOKEN: "modules-test-service-token-0123456789" } });
    expect(run.stderr).toBe("");
    const modules = JSON.parse(run.stdout) as string[];
    expect(modules.some((file) => file.includes(`${path.sep}@apollo${path.sep}gateway${path.sep}`))).toBe(true);
    for (const forbidden of ["@prisma", "amqplib", "type-graphql"]) {
      expect(modules.filter((file) => file.includes(`${path.sep}node_modules${path.sep}${forbidden}${path.sep}`))).toEqual([]);
    }
  });
});
