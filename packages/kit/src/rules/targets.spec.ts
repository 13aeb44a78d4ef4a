import { isIP } from "node:net";
import { ipFamily, normalizeAddress, RuleViolation, targetFormProblems } from "./targets";

describe("shared target rules", () => {
  it("judges addresses exactly as node:net isIP (the browser has no isIP)", () => {
    const samples = [
      "10.0.0.1", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "::", "::1", "fe80::1%eth0", "2001:db8::8a2e:370:7334",
      "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:192.0.2.128", "1::2::3", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "gggg::1", "", "localhost",
      "12345::1", "::ffff:999.0.0.1", "1:2:3:4:5:6:1.2.3.4", "a:b:c:d:e:f:0:1%", " 1.2.3.4",
    ];
    for (const sample of samples) expect([sample, ipFamily(sample)]).toEqual([sample, isIP(sample)]);
  });

  it("normalizes addresses and names what is wrong", () => {
    expect(normalizeAddress(" Web-01.Example.COM. ")).toBe("web-01.example.com");
    expect(normalizeAddress("2001:0DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(() => normalizeAddress("10.0.0.300")).toThrow(RuleViolation);
    expect(() => normalizeAddress("bad host")).toThrow('"bad host" is not a valid IPv4/IPv6 address or hostname');
  });

  it("gives a form every field's first problem, and none for good values", () => {
    const good = { name: "web-01", address: "10.0.0.1", port: "22", osType: "LINUX", environment: "production", tags: ["web"], description: "" };
    expect(targetFormProblems(good)).toEqual({});
    expect(targetFormProblems({ ...good, name: " ", address: "x y", port: "70000", osType: "BEOS", environment: "Prod!", tags: ["ok", "-bad"], description: "d".repeat(1001) })).toEqual({
      name: "is required",
      address: '"x y" is not a valid IPv4/IPv6 address or hostname',
      port: "must be between 1 and 65535",
      osType: "must be one of LINUX, WINDOWS, NETWORK, OTHER",
      environment: expect.stringContaining("must be 1-32 characters"),
      tags: expect.stringContaining('tag "-bad"'),
      description: "must be at most 1000 characters",
    });
    expect(targetFormProblems({ ...good, port: "" }).port).toBe("must be between 1 and 65535");
  });
});
