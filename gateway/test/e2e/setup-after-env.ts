import { restoreStack } from "./stack";

// After each suite, the stack is put back as the global set-up started it: a suite that restarts a
// member with other settings (or kills it, or adds a worker) and fails before undoing it would
// otherwise change every suite that runs after it.
afterAll(async () => {
  const changed = await restoreStack();
  if (changed.length > 0) process.stderr.write(`e2e: ${changed.join(", ")} (back to the stack as set up)\n`);
}, 120_000);
