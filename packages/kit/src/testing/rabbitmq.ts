import { execFile } from "node:child_process";
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface PrivateBroker {
  url: string;
  node: string;
  /** Stops the node and starts it again on the same data directory (durable queues and messages survive). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the node and removes its data directory. */
  destroy(): Promise<void>;
}

/**
 * A RabbitMQ node of its own (its own name, AMQP and distribution ports, data and log directories on
 * 127.0.0.1), for tests and benchmarks that restart the broker: the shared one on 5672 is never touched.
 * Needs the Debian rabbitmq-server package; run as root, the scripts switch to the rabbitmq user.
 */
export async function startPrivateBroker(options: { name: string; port: number; distPort?: number }): Promise<PrivateBroker> {
  const node = `${options.name}@localhost`;
  const dir = join(tmpdir(), `rabbitmq-${options.name}`);
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ["mnesia", "log"]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "plugins"), "");
  writeFileSync(join(dir, "rabbitmq.conf"), `listeners.tcp.local = 127.0.0.1:${options.port}\nloopback_users = none\n`);
  try {
    const { uid, gid } = rabbitmqIds();
    for (const path of [dir, join(dir, "mnesia"), join(dir, "log"), join(dir, "plugins"), join(dir, "rabbitmq.conf")]) chownSync(path, uid, gid);
  } catch {
    // Not root (or no rabbitmq user): the node runs as the current user.
  }
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.conf"),
    RABBITMQ_DIST_PORT: String(options.distPort ?? options.port + 2),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "plugins"),
  };
  const start = async () => {
    await run("rabbitmq-server", ["-detached"], { env, cwd: dir });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await run("rabbitmqctl", ["-n", node, "-q", "await_startup", "--timeout", "5"], { env, timeout: 10_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`private RabbitMQ ${node} did not start: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  };
  const stop = async () => {
    await run("rabbitmqctl", ["-n", node, "-q", "stop"], { env, timeout: 60_000 }).catch(() => undefined);
  };
  await start();
  return {
    url: `amqp://guest:guest@127.0.0.1:${options.port}`,
    node,
    async restart() {
      await stop();
      await start();
    },
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let ids: { uid: number; gid: number } | undefined;
function rabbitmqIds(): { uid: number; gid: number } {
  if (ids) return ids;
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((entry) => entry.startsWith("rabbitmq:"));
  if (!line) throw new Error("no rabbitmq user");
  const [, , uid, gid] = line.split(":");
  ids = { uid: Number(uid), gid: Number(gid) };
  return ids;
}
