import { AsyncLocalStorage } from "node:async_hooks";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

interface RequestScope {
  requestId: string;
}
const scope = new AsyncLocalStorage<RequestScope>();

/** Runs fn with a request id that every log line written inside it carries. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return scope.run({ requestId }, fn);
}
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|private|credential|apikey|api_key|encryption|signing_?key/i;
/** Keys every record has; fields of the same name cannot overwrite them (requestId only inside a request scope). */
const RESERVED = new Set(["time", "level", "service", "msg"]);

/** Replaces values under secret-looking keys, so a careless log call cannot leak them. */
export function redact(value: unknown, depth = 0): unknown {
  // JSON.stringify throws on bigint (e.g. outbox seq), which would make the log call itself fail.
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  // Past the depth limit nothing was inspected, so nothing is passed through (secrets, cycles).
  if (depth > 6) return "[truncated]";
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEY.test(key) ? "[redacted]" : redact(inner, depth + 1);
  }
  return out;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(
  service: string,
  level: LogLevel = "info",
  write: (line: string) => void = (line) => process.stdout.write(line),
  base: Record<string, unknown> = {},
): Logger {
  const emit = (lvl: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    const requestId = currentRequestId();
    const record = {
      time: new Date().toISOString(),
      level: lvl,
      service,
      ...(requestId ? { requestId } : {}),
      msg,
      ...Object.fromEntries(
        Object.entries(redact({ ...base, ...fields }) as Record<string, unknown>).filter(([key]) => !RESERVED.has(key) && !(requestId && key === "requestId")),
      ),
    };
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger(service, level, write, { ...base, ...fields }),
  };
}
