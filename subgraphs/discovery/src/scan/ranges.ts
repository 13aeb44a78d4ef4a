import { isIP } from "node:net";
import { badInput } from "@opsconductor/kit/subgraph";
import { TOP_TCP_PORTS } from "./top-ports";

/**
 * Address ranges and port lists of a scan: parsing (BAD_USER_INPUT naming the field), sizes, and the
 * lazy walk over the addresses a scan may touch. Pure functions, shared by the request path (checks)
 * and the engine (the walk), so both apply the same refusals: multicast, limited broadcast, the
 * broadcast address of an IPv4 subnet, and every exclude.
 */

export interface AddressRange {
  family: 4 | 6;
  start: bigint;
  end: bigint;
  /** The prefix length when written as CIDR (its network and broadcast addresses are not scanned, IPv4 ≤ /30). */
  prefix: number | null;
  /** The normalized spelling. */
  text: string;
}

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;

function v4ToBig(address: string): bigint {
  return address.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function v6ToBig(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const value = v4ToBig(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  const hextets = tail === undefined ? left : [...left, ...Array<string>(missing).fill("0"), ...right];
  return hextets.reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)), 0n);
}

export function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  const hextets: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) hextets.push(((value >> shift) & 0xffffn).toString(16));
  // The URL parser prints the canonical (RFC 5952) compressed form.
  return new URL(`http://[${hextets.join(":")}]/`).hostname.slice(1, -1);
}

function parseAddress(text: string): { family: 4 | 6; value: bigint } | null {
  const family = isIP(text);
  if (family === 4) return { family, value: v4ToBig(text) };
  if (family === 6 && !text.includes("%")) return { family, value: v6ToBig(text.toLowerCase()) };
  return null;
}

/** `10.0.0.0/24`, `10.0.0.5-10.0.0.20`, `10.0.0.5-20`, `10.0.0.7`, and the IPv6 equivalents. */
export function parseRange(raw: string, field: string): AddressRange {
  const text = raw.trim();
  const invalid = (why: string) => badInput(field, `"${raw}" ${why}`);
  if (!text) throw badInput(field, "must not be empty");
  const slash = text.indexOf("/");
  if (slash >= 0) {
    const base = parseAddress(text.slice(0, slash));
    const bits = text.slice(slash + 1);
    if (!base) throw invalid("is not a valid CIDR range (address/prefix)");
    const width = base.family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > width) throw invalid(`has an invalid prefix length (0-${width})`);
    const prefix = Number(bits);
    const hostBits = BigInt(width - prefix);
    const start = (base.value >> hostBits) << hostBits;
    const end = start + (1n << hostBits) - 1n;
    return { family: base.family, start, end, prefix, text: `${formatAddress(base.family, start)}/${prefix}` };
  }
  const dash = text.indexOf("-");
  if (dash >= 0) {
    const first = parseAddress(text.slice(0, dash).trim());
    const lastText = text.slice(dash + 1).trim();
    if (!first) throw invalid("is not a valid range (first-last)");
    let last = parseAddress(lastText);
    // 10.0.0.5-20: the last octet only.
    if (!last && first.family === 4 && /^\d{1,3}$/.test(lastText) && Number(lastText) <= 255) {
      last = { family: 4, value: (first.value & ~0xffn) | BigInt(Number(lastText)) };
    }
    if (!last || last.family !== first.family) throw invalid("is not a valid range (first-last of one address family)");
    if (last.value < first.value) throw invalid("ends before it starts");
    return {
      family: first.family,
      start: first.value,
      end: last.value,
      prefix: null,
      text: `${formatAddress(first.family, first.value)}-${formatAddress(first.family, last.value)}`,
    };
  }
  const single = parseAddress(text);
  if (!single) throw invalid("is not an IPv4/IPv6 address, CIDR range or first-last range");
  return { family: single.family, start: single.value, end: single.value, prefix: null, text: formatAddress(single.family, single.value) };
}

export const rangeSize = (range: AddressRange): bigint => range.end - range.start + 1n;

const MULTICAST_V4 = { start: v4ToBig("224.0.0.0"), end: v4ToBig("239.255.255.255") };
const RESERVED_V4 = { start: v4ToBig("240.0.0.0"), end: V4_MAX };
const MULTICAST_V6 = { start: 0xffn << 120n, end: V6_MAX };

/** Multicast, the class-E block and the limited broadcast address: never sent to. */
function forbiddenOverlap(range: AddressRange): boolean {
  const blocks = range.family === 4 ? [MULTICAST_V4, RESERVED_V4] : [MULTICAST_V6];
  return blocks.some((block) => range.start <= block.end && range.end >= block.start);
}

export const isLoopbackRange = (range: AddressRange): boolean =>
  range.family === 4 ? range.start >= v4ToBig("127.0.0.0") && range.end <= v4ToBig("127.255.255.255") : range.start === 1n && range.end === 1n;

export interface ScanTargets {
  ranges: AddressRange[];
  exclude: AddressRange[];
}

/** Validates ranges and excludes; refuses multicast/broadcast and, unless allowed, anything off loopback. */
export function parseTargets(
  input: { ranges: readonly string[]; exclude?: readonly string[] | null },
  /** `raised`: maxHosts is the scan's own limit (input.maxAddresses), not the SCAN_MAX_HOSTS setting. */
  options: { maxHosts: number; allowNonLoopback: boolean; raised?: boolean },
): ScanTargets & { hostCount: number } {
  if (!input.ranges.length) throw badInput("input.ranges", "must name at least one range");
  const ranges = input.ranges.map((raw, index) => parseRange(raw, `input.ranges[${index}]`));
  const exclude = (input.exclude ?? []).map((raw, index) => parseRange(raw, `input.exclude[${index}]`));
  ranges.forEach((range, index) => {
    if (forbiddenOverlap(range)) throw badInput(`input.ranges[${index}]`, `"${range.text}" includes multicast or broadcast addresses, which are never scanned`);
    if (!options.allowNonLoopback && !isLoopbackRange(range)) {
      throw badInput(`input.ranges[${index}]`, `"${range.text}" is outside loopback (127.0.0.0/8, ::1); this installation scans loopback only (SCAN_NON_LOOPBACK)`);
    }
  });
  // Counted before any walk so a huge range is refused without touching it.
  let total = 0n;
  for (const range of ranges) total += rangeSize(range);
  if (total > BigInt(options.maxHosts)) {
    throw badInput(
      "input.ranges",
      options.raised
        ? `cover ${total} addresses, more than this scan's input.maxAddresses (${options.maxHosts})`
        : `cover ${total} addresses; at most ${options.maxHosts} per scan — split the scan, or an administrator (system:write) may raise one scan's limit with input.maxAddresses`,
    );
  }
  const targets = { ranges, exclude };
  let hostCount = 0;
  for (const _ of walkAddresses(targets)) hostCount++;
  if (!hostCount) throw badInput("input.exclude", "leaves no address to scan");
  return { ...targets, hostCount };
}

const contains = (range: AddressRange, family: 4 | 6, value: bigint) => range.family === family && value >= range.start && value <= range.end;

/** The addresses to scan, in order, each once: excludes, subnet network/broadcast addresses and multicast skipped. */
export function* walkAddresses(targets: ScanTargets): Generator<string> {
  const seen: AddressRange[] = [];
  for (const range of targets.ranges) {
    for (let value = range.start; value <= range.end; value++) {
      if (range.family === 4 && range.prefix !== null && range.prefix <= 30 && (value === range.start || value === range.end)) continue;
      if (seen.some((earlier) => contains(earlier, range.family, value))) continue;
      if (targets.exclude.some((excluded) => contains(excluded, range.family, value))) continue;
      const probe: AddressRange = { family: range.family, start: value, end: value, prefix: null, text: "" };
      if (forbiddenOverlap(probe)) continue;
      yield formatAddress(range.family, value);
    }
    seen.push(range);
  }
}

export const PORT_PROFILES = { "top-20": 20, "top-100": 100, "top-1000": 1000 } as const;

/** `top-100`, or a list of ports and ranges: `22,80,8000-8100`. Order kept (profiles: most frequent first), duplicates dropped. */
export function parsePorts(raw: string, field = "input.ports"): number[] {
  const text = raw.trim().toLowerCase();
  if (!text) throw badInput(field, "must not be empty");
  if (text in PORT_PROFILES) return TOP_TCP_PORTS.slice(0, PORT_PROFILES[text as keyof typeof PORT_PROFILES]);
  const ports: number[] = [];
  const seen = new Set<number>();
  for (const part of text.split(",")) {
    const match = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(part);
    if (!match) throw badInput(field, `"${part.trim()}" is not a port, a range (1000-2000) or a profile (${Object.keys(PORT_PROFILES).join(", ")})`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (first < 1 || last > 65535 || last < first) throw badInput(field, `"${part.trim()}" must be ports between 1 and 65535, first ≤ last`);
    for (let port = first; port <= last; port++) {
      if (!seen.has(port)) {
        seen.add(port);
        ports.push(port);
      }
    }
  }
  return ports;
}
