import { spawn, spawnSync } from "node:child_process";
import { orphanKillCommand } from "./executor";

/** A detached `sleep` (a process group of its own) with these OPSC_* variables, as a step would run. */
function fakeStep(env: Record<string, string>) {
  const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore", env: { PATH: process.env.PATH, ...env } });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { pgid: child.pid as number, child, exited };
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("orphanKillCommand", () => {
  it("kills the process group of the attempt it names", async () => {
    const step = fakeStep({ OPSC_RUN_ID: "run-1", OPSC_ATTEMPT: "2" });
    spawnSync("sh", ["-c", orphanKillCommand(step.pgid, { OPSC_RUN_ID: "run-1", OPSC_ATTEMPT: "2" })]);
    await step.exited;
    expect(alive(step.pgid)).toBe(false);
  });

  it("leaves alone a group whose leader belongs to another run or attempt (a recycled pid)", () => {
    const other = fakeStep({ OPSC_RUN_ID: "run-1", OPSC_ATTEMPT: "1" });
    const stranger = fakeStep({ SOMETHING: "else" });
    try {
      spawnSync("sh", ["-c", orphanKillCommand(other.pgid, { OPSC_RUN_ID: "run-1", OPSC_ATTEMPT: "2" })]);
      spawnSync("sh", ["-c", orphanKillCommand(stranger.pgid, { OPSC_RUN_ID: "run-1", OPSC_ATTEMPT: "1" })]);
      expect(alive(other.pgid)).toBe(true);
      expect(alive(stranger.pgid)).toBe(true);
    } finally {
      other.child.kill("SIGKILL");
      stranger.child.kill("SIGKILL");
    }
  });
});
