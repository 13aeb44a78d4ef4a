import type { ConnectionMethodType } from "../generated/prisma/enums";

export interface DefaultMethod {
  type: ConnectionMethodType;
  port: number;
}

export interface BuiltInDeviceType {
  key: string;
  name: string;
  category: string;
  defaultMethods: DefaultMethod[];
}

/** The built-in device types, ensured at every start (operators' edits to them are kept). */
export const BUILT_IN_DEVICE_TYPES: BuiltInDeviceType[] = [
  { key: "linux-server", name: "Linux server", category: "server", defaultMethods: [{ type: "SSH", port: 22 }] },
  { key: "windows-server", name: "Windows server", category: "server", defaultMethods: [{ type: "WINRM", port: 5986 }] },
  { key: "unix-server", name: "Unix server", category: "server", defaultMethods: [{ type: "SSH", port: 22 }] },
  { key: "switch", name: "Switch", category: "network", defaultMethods: [{ type: "SSH", port: 22 }, { type: "SNMP", port: 161 }] },
  { key: "router", name: "Router", category: "network", defaultMethods: [{ type: "SSH", port: 22 }, { type: "SNMP", port: 161 }] },
  { key: "firewall", name: "Firewall", category: "network", defaultMethods: [{ type: "SSH", port: 22 }, { type: "HTTP", port: 443 }] },
  { key: "load-balancer", name: "Load balancer", category: "network", defaultMethods: [{ type: "SSH", port: 22 }, { type: "HTTP", port: 443 }] },
  { key: "hypervisor", name: "Hypervisor", category: "virtualization", defaultMethods: [{ type: "SSH", port: 22 }, { type: "HTTP", port: 443 }] },
  { key: "storage", name: "Storage array", category: "storage", defaultMethods: [{ type: "HTTP", port: 443 }, { type: "SSH", port: 22 }] },
  { key: "printer", name: "Printer", category: "peripheral", defaultMethods: [{ type: "SNMP", port: 161 }, { type: "HTTP", port: 80 }] },
  { key: "iot", name: "IoT device", category: "iot", defaultMethods: [{ type: "HTTP", port: 80 }, { type: "TELNET", port: 23 }] },
  { key: "other", name: "Other", category: "other", defaultMethods: [] },
];
