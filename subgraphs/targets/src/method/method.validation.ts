import { badInput } from "@opsconductor/kit/subgraph";
import type { ConnectionMethodType, CredentialType } from "../generated/prisma/enums";

/** Per-type rules for connection methods: settings, default ports and which credentials fit. */

export const WINRM_AUTH_TYPES = ["BASIC", "NTLM", "KERBEROS", "CREDSSP"] as const;
export const SNMP_VERSIONS = ["V1", "V2C", "V3"] as const;

export interface MethodSettings {
  username?: string;
  https?: boolean;
  authType?: (typeof WINRM_AUTH_TYPES)[number];
  snmpVersion?: (typeof SNMP_VERSIONS)[number];
  basePath?: string;
  tlsVerify?: boolean;
}

export interface MethodInputShape {
  type?: ConnectionMethodType | null;
  port?: number | null;
  isPrimary?: boolean | null;
  credentialId?: string | null;
  username?: string | null;
  https?: boolean | null;
  authType?: string | null;
  snmpVersion?: string | null;
  basePath?: string | null;
  tlsVerify?: boolean | null;
}

export function defaultPort(type: ConnectionMethodType, settings: MethodSettings = {}): number {
  switch (type) {
    case "SSH":
      return 22;
    case "WINRM":
      return settings.https === false ? 5985 : 5986;
    case "SNMP":
      return 161;
    case "HTTP":
      return settings.https === false ? 80 : 443;
    case "TELNET":
      return 23;
  }
}

/** Which credential types a method accepts, and whether it needs one. */
export function credentialRule(type: ConnectionMethodType, settings: MethodSettings): { required: boolean; types: CredentialType[] } {
  switch (type) {
    case "SSH":
      return { required: true, types: ["PASSWORD", "SSH_KEY"] };
    case "WINRM":
      return { required: true, types: ["PASSWORD"] };
    case "SNMP":
      return { required: true, types: settings.snmpVersion === "V3" ? ["SNMP_V3"] : ["SNMP_COMMUNITY"] };
    case "HTTP":
      return { required: false, types: ["API_TOKEN", "PASSWORD"] };
    case "TELNET":
      return { required: false, types: ["PASSWORD"] };
  }
}

function oneOf<T extends string>(value: string | null | undefined, allowed: readonly T[], field: string): T | undefined {
  if (value == null) return undefined;
  const upper = value.trim().toUpperCase();
  if (!allowed.includes(upper as T)) throw badInput(field, `must be one of ${allowed.join(", ")}`);
  return upper as T;
}

const notFor = (field: string, type: string) => badInput(`input.${field}`, `does not apply to ${type} methods`);

/** The settings of one method type from the input merged over the current settings. */
export function methodSettings(type: ConnectionMethodType, input: MethodInputShape, current: MethodSettings = {}): MethodSettings {
  const sent = (field: keyof MethodInputShape) => input[field] !== undefined && input[field] !== null;
  const only = (allowed: (keyof MethodInputShape)[]) => {
    for (const field of ["username", "https", "authType", "snmpVersion", "basePath", "tlsVerify"] as const) {
      if (sent(field) && !allowed.includes(field)) throw notFor(field, type);
    }
  };
  switch (type) {
    case "SSH": {
      only(["username"]);
      const username = input.username !== undefined ? input.username?.trim() || undefined : current.username;
      if (username !== undefined && !/^[A-Za-z0-9._@\\-]{1,64}$/.test(username)) throw badInput("input.username", "must be 1-64 characters of letters, digits, '.', '_', '@', '\\' and '-'");
      return username ? { username } : {};
    }
    case "WINRM":
      only(["https", "authType", "tlsVerify"]);
      return {
        https: input.https ?? current.https ?? true,
        authType: oneOf(input.authType, WINRM_AUTH_TYPES, "input.authType") ?? current.authType ?? "NTLM",
        tlsVerify: input.tlsVerify ?? current.tlsVerify ?? true,
      };
    case "SNMP":
      only(["snmpVersion"]);
      return { snmpVersion: oneOf(input.snmpVersion, SNMP_VERSIONS, "input.snmpVersion") ?? current.snmpVersion ?? "V2C" };
    case "HTTP": {
      only(["https", "basePath", "tlsVerify"]);
      const basePath = input.basePath != null ? input.basePath.trim() : (current.basePath ?? "/");
      if (!basePath.startsWith("/") || basePath.length > 500 || /[\s?#]/.test(basePath)) {
        throw badInput("input.basePath", "must be a path starting with '/' without spaces, query or fragment (≤ 500 characters)");
      }
      return { https: input.https ?? current.https ?? true, basePath, tlsVerify: input.tlsVerify ?? current.tlsVerify ?? true };
    }
    case "TELNET":
      only([]);
      return {};
  }
}
