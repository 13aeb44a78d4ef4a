#!/usr/bin/env node
// The floor for bench:gateway: a minimal node:http + pg server answering the targets page query with
// the same SQL a targets subgraph request runs (one page + the total), no GraphQL, no auth, no ORM.
// Usage: node floor-server.mjs <port> <database-url>
import http from "node:http";
import pg from "pg";

const [port, databaseUrl] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const PAGE = `SELECT id, name, address, port, created_by_id FROM targets WHERE deleted_at IS NULL
               ORDER BY name_key ASC, name ASC, id ASC LIMIT $1 OFFSET $2`;
const COUNT = "SELECT count(*)::int AS total FROM targets WHERE deleted_at IS NULL";

http
  .createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", async () => {
      try {
        const offset = Number(JSON.parse(raw || "{}").variables?.offset ?? 0);
        const [page, count] = await Promise.all([pool.query(PAGE, [20, offset]), pool.query(COUNT)]);
        const items = page.rows.map((row) => ({ name: row.name, address: row.address, port: row.port, createdBy: { id: row.created_by_id } }));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: { targets: { total: count.rows[0].total, items } } }));
      } catch (error) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ message: error.message }] }));
      }
    });
  })
  .listen(Number(port), "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => process.exit(0));
