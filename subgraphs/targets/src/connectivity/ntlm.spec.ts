import { authenticateMessage, md4, negotiateMessage, ntlmv2Responses, ntowfv2, parseChallenge, splitUser } from "./ntlm";

const hex = (value: string) => Buffer.from(value.replace(/\s+/g, ""), "hex");

describe("NTLM", () => {
  it("computes MD4 as RFC 1320's test suite", () => {
    expect(md4(Buffer.from("")).toString("hex")).toBe("31d6cfe0d16ae931b73c59d7e0c089c0");
    expect(md4(Buffer.from("abc")).toString("hex")).toBe("a448017aaf21d8525fc10ae87aa6729d");
    expect(md4(Buffer.from("message digest")).toString("hex")).toBe("d9130a8164549fe818874806e1c7014b");
    expect(md4(Buffer.from("12345678901234567890123456789012345678901234567890123456789012345678901234567890")).toString("hex")).toBe(
      "e33b4ddc9c38f2199c3e7b164fcc0536",
    );
  });

  it("computes the NT hash, NTOWFv2 and the NTLMv2 responses of MS-NLMP 4.2.4", () => {
    expect(md4(Buffer.from("Password", "utf16le")).toString("hex")).toBe("a4f49c406510bdcab6824ee7c30fd852");
    expect(ntowfv2("Password", "User", "Domain").toString("hex")).toBe("0c868a403bfd7a93a3001ef22ef02e3f");
    const targetInfo = hex("02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000");
    const responses = ntlmv2Responses({
      password: "Password",
      user: "User",
      domain: "Domain",
      serverChallenge: hex("0123456789abcdef"),
      targetInfo,
      clientChallenge: hex("aaaaaaaaaaaaaaaa"),
      time: Buffer.alloc(8),
    });
    expect(responses.ntProofStr.toString("hex")).toBe("68cd0ab851e51c96aabc927bebef6a1c");
    expect(responses.lm.toString("hex")).toBe("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");
  });

  it("builds NEGOTIATE and AUTHENTICATE messages around a parsed CHALLENGE", () => {
    const negotiate = negotiateMessage();
    expect(negotiate.subarray(0, 8).toString("latin1")).toBe("NTLMSSP\0");
    expect(negotiate.readUInt32LE(8)).toBe(1);
    const info = hex("02000c0044006f006d00610069006e00070008000102030405060708" + "0000" + "0000");
    const challenge = Buffer.alloc(48);
    challenge.write("NTLMSSP\0", "latin1");
    challenge.writeUInt32LE(2, 8);
    challenge.writeUInt32LE(0xe2898215, 20);
    hex("0123456789abcdef").copy(challenge, 24);
    challenge.writeUInt16LE(info.length, 40);
    challenge.writeUInt16LE(info.length, 42);
    challenge.writeUInt32LE(48, 44);
    const parsed = parseChallenge(Buffer.concat([challenge, info]));
    expect(parsed.serverChallenge.toString("hex")).toBe("0123456789abcdef");
    expect(parsed.timestamp?.toString("hex")).toBe("0102030405060708");
    const message = authenticateMessage(parsed, "CORP\\alice", "secret");
    expect(message.readUInt32LE(8)).toBe(3);
    const field = (i: number) => message.subarray(message.readUInt32LE(16 + i * 8), message.readUInt32LE(16 + i * 8) + message.readUInt16LE(12 + i * 8));
    expect(field(0)).toEqual(Buffer.alloc(24));
    expect(field(2).toString("utf16le")).toBe("CORP");
    expect(field(3).toString("utf16le")).toBe("alice");
    // The NT response carries the server's timestamp and target info.
    expect(field(1).subarray(24, 32).toString("hex")).toBe("0102030405060708");
    expect(() => parseChallenge(negotiate)).toThrow(/not an NTLM challenge/);
    expect(splitUser("bob")).toEqual({ user: "bob", domain: "" });
  });
});
