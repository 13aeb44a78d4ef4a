import { csvCell, serialize } from "./audit.export";
import type { AuditEvent } from "./audit.type";

const event = (id: string, action = "auth.login.failed"): AuditEvent => ({
  id,
  seq: id,
  action,
  actor: { userId: null, username: "=cmd|' /C calc'!A0", ip: "127.0.0.1", userAgent: 'say "hi", then\nleave' },
  resourceType: "credential",
  resourceId: "x",
  outcome: "FAILURE" as AuditEvent["outcome"],
  severity: "WARNING" as AuditEvent["severity"],
  occurredAt: new Date("2026-01-02T03:04:05.000Z"),
  recordedAt: new Date("2026-01-02T03:04:05.000Z"),
  requestId: null,
  details: { note: "a,b" },
  prevHash: "p",
  hash: "h",
});

async function text(format: "csv" | "json" | "ndjson", batches: AuditEvent[][]) {
  const parts: string[] = [];
  for await (const part of serialize(format, (async function* () {
    yield* batches;
  })())) parts.push(part);
  return parts.join("");
}

describe("audit export serialization", () => {
  it("quotes every CSV cell, doubles quotes, and neutralises spreadsheet formulas (= + - @ tab CR)", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    for (const lead of ["=", "+", "-", "@", "\t", "\r"]) expect(csvCell(`${lead}1+1`)).toBe(`"'${lead}1+1"`);
    expect(csvCell(null)).toBe('""');
    expect(csvCell(new Date("2026-01-02T03:04:05.000Z"))).toBe('"2026-01-02T03:04:05.000Z"');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it("writes one CSV header and a line per event across batches", async () => {
    const csv = await text("csv", [[event("1")], [], [event("2"), event("3")]]);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("seq,id,occurredAt,action,outcome,severity,actorUserId,actorUsername,actorIp,actorUserAgent,resourceType,resourceId,requestId,details,hash");
    expect(csv).toContain(`"'=cmd|' /C calc'!A0"`);
    expect(csv.match(/^"\d"/gm)).toEqual(['"1"', '"2"', '"3"']);
  });

  it("writes a JSON array that parses (also when empty) and NDJSON with one object a line, without prevHash", async () => {
    expect(JSON.parse(await text("json", []))).toEqual([]);
    const array = JSON.parse(await text("json", [[event("1")], [event("2"), event("3")]])) as Array<{ id: string; prevHash?: string }>;
    expect(array.map((row) => row.id)).toEqual(["1", "2", "3"]);
    expect(array[0]).not.toHaveProperty("prevHash");
    const lines = (await text("ndjson", [[event("1"), event("2")]])).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(lines.slice(0, 2).map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(["1", "2"]);
  });
});
