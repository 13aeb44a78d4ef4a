// Checks that PostgreSQL, Redis and RabbitMQ answer, and says how to start the one that does not.
import net from "node:net";

const HOW = {
  PostgreSQL: "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
  Redis: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
  RabbitMQ: "rabbitmq-server -detached   (then: rabbitmqctl await_startup)",
};

async function checkPostgres(url) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  await client.query("SELECT 1");
  await client.end();
}

function checkRedis(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(3000, () => socket.destroy(new Error("timed out")));
    socket.once("error", reject);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.end();
      if (data.toString().startsWith("+PONG")) resolve();
      else reject(new Error(`unexpected reply ${JSON.stringify(data.toString().trim())}`));
    });
  });
}

async function checkRabbit(url) {
  const amqp = await import("amqplib");
  const connection = await (amqp.connect ?? amqp.default.connect)(url, { timeout: 3000 });
  await connection.close();
}

export async function checkInfrastructure({ postgresUrl, redisUrl, rabbitUrl }) {
  const checks = [
    ["PostgreSQL", postgresUrl, checkPostgres],
    ["Redis", redisUrl, checkRedis],
    ["RabbitMQ", rabbitUrl, checkRabbit],
  ];
  const failures = [];
  await Promise.all(
    checks.map(async ([name, url, check]) => {
      try {
        await check(url);
      } catch (error) {
        failures.push(`${name} is not reachable at ${new URL(url).host} (${error.message}).\n    Start it with: ${HOW[name]}`);
      }
    }),
  );
  if (failures.length) {
    throw new Error(
      `${failures.join("\n  ")}\n  Or, with Docker: docker compose up -d postgres redis rabbitmq`,
    );
  }
}
