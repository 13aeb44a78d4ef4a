import { generateKeyPairSync } from "node:crypto";
import { GraphQLError } from "graphql";
import { inspectPrivateKey, validateCredential } from "./credential.validation";

function field(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return (error as GraphQLError).extensions.field;
  }
  throw new Error("expected BAD_USER_INPUT");
}

describe("credential validation", () => {
  it("reads PEM RSA and ECDSA keys and reports algorithm and fingerprint", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    expect(inspectPrivateKey(rsa)).toMatchObject({ algorithm: "rsa", fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/) });
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
    expect(inspectPrivateKey(ec).algorithm).toBe("ecdsa-p256");
  });

  it("requires the secrets of the type and refuses the others", () => {
    expect(field(() => validateCredential({ name: "a", type: "API_TOKEN" }))).toBe("input.token");
    expect(field(() => validateCredential({ name: "a", type: "API_TOKEN", token: "t", password: "p" }))).toBe("input.password");
    expect(field(() => validateCredential({ name: "a", type: "SNMP_COMMUNITY", community: "" }))).toBe("input.community");
    expect(field(() => validateCredential({ name: " ", type: "API_TOKEN", token: "t" }))).toBe("input.name");
  });

  it("accepts an update that sends no secret when one is stored", () => {
    expect(validateCredential({ name: "a", type: "PASSWORD", username: "root" }, ["password"]).secrets).toEqual({});
  });

  it("applies SNMPv3 security levels", () => {
    expect(validateCredential({ name: "a", type: "SNMP_V3", username: "u", securityLevel: "noAuthNoPriv" }).settings).toEqual({ securityLevel: "noAuthNoPriv" });
    expect(field(() => validateCredential({ name: "a", type: "SNMP_V3", username: "u", securityLevel: "authNoPriv" }))).toBe("input.authPassword");
    expect(field(() => validateCredential({ name: "a", type: "SNMP_V3", username: "u", authPassword: "short", privPassword: "12345678" }))).toBe("input.authPassword");
    expect(validateCredential({ name: "a", type: "SNMP_V3", username: "u", authPassword: "12345678", privPassword: "abcdefgh", privProtocol: "AES256" }).settings).toEqual({
      securityLevel: "authPriv",
      authProtocol: "SHA256",
      privProtocol: "AES256",
    });
  });
});
