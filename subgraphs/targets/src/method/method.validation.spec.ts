import { GraphQLError } from "graphql";
import { credentialRule, defaultPort, methodSettings } from "./method.validation";

function field(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return (error as GraphQLError).extensions.field;
  }
  throw new Error("expected BAD_USER_INPUT");
}

describe("connection method settings", () => {
  it("fills in per-type defaults", () => {
    expect(methodSettings("WINRM", {})).toEqual({ https: true, authType: "NTLM", tlsVerify: true });
    expect(methodSettings("SNMP", {})).toEqual({ snmpVersion: "V2C" });
    expect(methodSettings("HTTP", {})).toEqual({ https: true, basePath: "/", tlsVerify: true });
    expect(methodSettings("SSH", { username: " deploy " })).toEqual({ username: "deploy" });
  });

  it("keeps current settings on update and normalizes case", () => {
    expect(methodSettings("WINRM", { authType: "kerberos" }, { https: false, authType: "NTLM" })).toEqual({ https: false, authType: "KERBEROS", tlsVerify: true });
    expect(methodSettings("WINRM", { tlsVerify: false }, { https: true, authType: "BASIC", tlsVerify: true })).toEqual({ https: true, authType: "BASIC", tlsVerify: false });
  });

  it("refuses settings of another type and bad values, naming the field", () => {
    expect(field(() => methodSettings("SSH", { https: true }))).toBe("input.https");
    expect(field(() => methodSettings("WINRM", { authType: "DIGEST" }))).toBe("input.authType");
    expect(field(() => methodSettings("SNMP", { snmpVersion: "V4" }))).toBe("input.snmpVersion");
    expect(field(() => methodSettings("HTTP", { basePath: "api?x=1" }))).toBe("input.basePath");
    expect(field(() => methodSettings("TELNET", { username: "x" }))).toBe("input.username");
  });

  it("has default ports and credential rules per type", () => {
    expect(defaultPort("WINRM", { https: false })).toBe(5985);
    expect(defaultPort("HTTP", { https: true })).toBe(443);
    expect(credentialRule("SNMP", { snmpVersion: "V3" })).toEqual({ required: true, types: ["SNMP_V3"] });
    expect(credentialRule("HTTP", {}).required).toBe(false);
  });
});
