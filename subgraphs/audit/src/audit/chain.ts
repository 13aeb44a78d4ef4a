import { createHash } from "node:crypto";

/** The hash of the row before the first one ever recorded. */
export const GENESIS_HASH = "0".repeat(64);

/** A row's content as hashed: every stored field except seq (its place) and the hashes themselves. */
export interface ChainContent {
  id: string;
  action: string;
  actorUserId: string | null;
  actorUsername: string | null;
  actorIp: string | null;
  actorUserAgent: string | null;
  resourceType: string;
  resourceId: string;
  outcome: string;
  severity: string;
  occurredAt: Date;
  requestId: string | null;
  details: unknown;
}

/** JSON with object keys sorted at every level, so jsonb's own key order does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
}

/** sha256(previous hash + canonical content): editing a row changes its hash; deleting or moving one breaks the next link. */
export function rowHash(prevHash: string, row: ChainContent): string {
  const content = canonicalJson({ ...row, occurredAt: row.occurredAt.toISOString() });
  return createHash("sha256").update(prevHash).update("\n").update(content).digest("hex");
}
