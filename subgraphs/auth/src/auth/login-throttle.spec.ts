import { ipBucket, loginThrottlePolicy } from "./login-throttle";

describe("ipBucket", () => {
  it("keeps IPv4 addresses, also when mapped into IPv6", () => {
    expect(ipBucket("203.0.113.7")).toBe("203.0.113.7");
    expect(ipBucket("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("puts every address of an IPv6 /64 in one bucket, however it is written", () => {
    const bucket = ipBucket("2001:db8:0:1::5");
    expect(bucket).toBe("2001:db8:0:1::/64");
    expect(ipBucket("2001:0DB8:0000:0001:ffff:ffff:ffff:ffff")).toBe(bucket);
    expect(ipBucket("2001:db8:0:2::5")).not.toBe(bucket);
    expect(ipBucket("::1")).toBe("0:0:0:0::/64");
    expect(ipBucket("fe80::")).toBe("fe80:0:0:0::/64");
  });

  it("gives requests without an address one shared bucket", () => {
    expect(ipBucket(null)).toBe("unknown");
  });
});

describe("loginThrottlePolicy", () => {
  it("takes the free attempts and the longest back-off from the environment; the first back-off is 1 s", () => {
    expect(loginThrottlePolicy({ LOGIN_MAX_ATTEMPTS: 5, LOGIN_IP_MAX_ATTEMPTS: 50, LOGIN_BACKOFF_MAX_SECONDS: 300 })).toEqual({
      usernameFreeAttempts: 5,
      ipFreeAttempts: 50,
      baseBackoffMs: 1_000,
      maxBackoffMs: 300_000,
      forgetAfterMs: 3_600_000,
      inFlightMs: 30_000,
    });
  });
});
