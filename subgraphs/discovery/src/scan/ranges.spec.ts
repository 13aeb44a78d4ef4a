import { parsePorts, parseRange, parseTargets, walkAddresses } from "./ranges";

const loopbackOnly = { maxHosts: 65_536, allowNonLoopback: false };
const anywhere = { maxHosts: 65_536, allowNonLoopback: true };
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: { code?: string; field?: string } }).extensions;
  }
  throw new Error("did not throw");
};

describe("address ranges", () => {
  it("reads CIDR, first-last, short last-octet ranges and single addresses, IPv4 and IPv6", () => {
    expect(parseRange("127.0.0.7/28", "f")).toMatchObject({ text: "127.0.0.0/28", prefix: 28 });
    expect(parseRange("10.0.0.5-20", "f").text).toBe("10.0.0.5-10.0.0.20");
    expect(parseRange(" 10.0.0.9 ", "f").text).toBe("10.0.0.9");
    expect(parseRange("fd00::1-fd00::3", "f").text).toBe("fd00::1-fd00::3");
    expect(parseRange("FD00:0:0::/126", "f").text).toBe("fd00::/126");
    expect(parseRange("::ffff:10.0.0.1", "f").text).toBe("::ffff:a00:1");
  });

  it("walks a subnet without its network and broadcast addresses, skipping excludes and duplicates", () => {
    const { ranges, exclude, hostCount } = parseTargets({ ranges: ["127.0.0.0/29", "127.0.0.2"], exclude: ["127.0.0.3-4"] }, loopbackOnly);
    expect([...walkAddresses({ ranges, exclude })]).toEqual(["127.0.0.1", "127.0.0.2", "127.0.0.5", "127.0.0.6"]);
    expect(hostCount).toBe(4);
    expect([...walkAddresses(parseTargets({ ranges: ["::1"] }, loopbackOnly))]).toEqual(["::1"]);
  });

  it("refuses bad input naming the field", () => {
    expect(fieldOf(() => parseTargets({ ranges: ["127.0.0.1", "nope"] }, loopbackOnly))).toMatchObject({ code: "BAD_USER_INPUT", field: "input.ranges[1]" });
    expect(fieldOf(() => parseTargets({ ranges: ["127.0.0.0/33"] }, loopbackOnly))).toMatchObject({ field: "input.ranges[0]" });
    expect(fieldOf(() => parseTargets({ ranges: ["127.0.0.9-127.0.0.1"] }, loopbackOnly))).toMatchObject({ field: "input.ranges[0]" });
    expect(fieldOf(() => parseTargets({ ranges: ["127.0.0.1"], exclude: ["x"] }, loopbackOnly))).toMatchObject({ field: "input.exclude[0]" });
    expect(fieldOf(() => parseTargets({ ranges: ["127.0.0.1"], exclude: ["127.0.0.0/8"] }, loopbackOnly))).toMatchObject({ field: "input.exclude" });
  });

  it("refuses more than the host limit, multicast and broadcast, and non-loopback unless allowed", () => {
    expect(fieldOf(() => parseTargets({ ranges: ["127.0.0.0/15"] }, loopbackOnly))).toMatchObject({ field: "input.ranges" });
    expect(parseTargets({ ranges: ["127.1.0.0/16"] }, loopbackOnly).hostCount).toBe(65_534);
    expect(fieldOf(() => parseTargets({ ranges: ["224.0.0.1"] }, anywhere))).toMatchObject({ field: "input.ranges[0]" });
    expect(fieldOf(() => parseTargets({ ranges: ["255.255.255.255"] }, anywhere))).toMatchObject({ field: "input.ranges[0]" });
    expect(fieldOf(() => parseTargets({ ranges: ["ff02::1"] }, anywhere))).toMatchObject({ field: "input.ranges[0]" });
    expect(fieldOf(() => parseTargets({ ranges: ["10.0.0.1"] }, loopbackOnly))).toMatchObject({ field: "input.ranges[0]" });
    expect(parseTargets({ ranges: ["10.0.0.0/30"] }, anywhere).hostCount).toBe(2);
  });
});

describe("ports", () => {
  it("expands profiles in nmap's frequency order and lists with ranges", () => {
    expect(parsePorts("top-20")).toEqual([80, 23, 443, 21, 22, 25, 3389, 110, 445, 139, 143, 53, 135, 3306, 8080, 1723, 111, 995, 993, 5900]);
    expect(parsePorts("top-100")).toHaveLength(100);
    expect(new Set(parsePorts("top-1000")).size).toBe(1000);
    expect(parsePorts("22, 80,8000-8002,80")).toEqual([22, 80, 8000, 8001, 8002]);
  });

  it("refuses what is not a port, naming the field", () => {
    for (const bad of ["", "0", "70000", "10-5", "top-5", "http"]) expect(fieldOf(() => parsePorts(bad))).toMatchObject({ code: "BAD_USER_INPUT", field: "input.ports" });
  });
});
