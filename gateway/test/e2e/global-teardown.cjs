const fs = require("node:fs");

module.exports = async function globalTeardown() {
  const { stack, log, web } = globalThis.__OPSC_STACK__ ?? {};
  await web?.close();
  await stack?.stop();
  // Processes a test started in place of a stack member (see events.test.ts).
  const state = process.env.E2E_STACK_FILE && fs.existsSync(process.env.E2E_STACK_FILE) ? JSON.parse(fs.readFileSync(process.env.E2E_STACK_FILE, "utf8")) : {};
  for (const pid of Object.values(state.pids ?? {})) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  log?.end();
};
