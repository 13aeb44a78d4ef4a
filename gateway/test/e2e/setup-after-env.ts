import { restoreStack } from "./stack";

// After each suite, the stack is put back as the global set-up started it: a suite that restarts a
// member with other settings (or kills it) and then fails before restoring it would otherwise break
// every suite that runs after it.
afterAll(async () => {
  const restored = await restoreStack();
  if (restored.length > 0) process.stderr.write(`e2e: restarted ${restored.join(", ")} as the stack runs them\n`);
}, 120_000);
