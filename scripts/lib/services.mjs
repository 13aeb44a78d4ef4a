// The one list of subgraphs: name, port, database. Used by setup, start, tests and the benchmark.
export const SERVICES = [
  { name: "auth", port: 8001, database: "auth_db" },
  { name: "users", port: 8002, database: "user_db" },
  { name: "targets", port: 8003, database: "targets_db" },
];
export const GATEWAY_PORT = 4000;
export const ADMIN_USER_ID = "00000000-0000-4000-8000-000000000001";
