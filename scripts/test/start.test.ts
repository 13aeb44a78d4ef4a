import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

describe("npm start", () => {
  it("names each unreachable dependency and how to start it, then exits non-zero before touching anything", () => {
    const run = spawnSync(process.execPath, ["scripts/start.mjs"], {
      cwd: root,
      env: {
        ...process.env,
        REDIS_URL: "redis://127.0.0.1:1",
        RABBITMQ_URL: "amqp://guest:guest@127.0.0.1:2",
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Redis is not reachable at 127.0.0.1:1");
    expect(run.stderr).toContain("redis-server --daemonize yes");
    expect(run.stderr).toContain("RabbitMQ is not reachable at 127.0.0.1:2");
    expect(run.stderr).toContain("rabbitmq-server -detached");
    expect(run.stderr).toContain("docker compose up -d postgres redis rabbitmq");
    expect(run.stderr).not.toContain("PostgreSQL is not reachable");
    expect(run.stdout).not.toContain("generating Prisma clients");
  });
});
