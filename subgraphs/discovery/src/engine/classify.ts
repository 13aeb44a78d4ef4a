/**
 * From open ports and what they said, a best guess: OS family with a confidence, a device type key
 * of the targets' registry, and the connection methods a target for this host would use. Pure rules,
 * each a clue with a weight; the strongest family wins.
 */

export const OS_FAMILIES = ["LINUX", "WINDOWS", "BSD", "MACOS", "NETWORK", "UNKNOWN"] as const;
export type OsFamily = (typeof OS_FAMILIES)[number];

/** The method types of targets' connection methods. */
export type MethodType = "SSH" | "WINRM" | "SNMP" | "HTTP" | "TELNET";

export interface PortClue {
  port: number;
  service: string | null;
  banner: string | null;
  httpServer: string | null;
  tlsSubject?: string | null;
}

export interface SuggestedMethod {
  type: MethodType;
  port: number;
  /** What backs it: the SSH version, "HTTPS", … */
  detail: string | null;
}

export interface Classification {
  osFamily: OsFamily;
  osConfidence: number;
  deviceTypeKey: string | null;
  suggestedMethods: SuggestedMethod[];
}

interface Clue {
  family: OsFamily;
  weight: number;
  device?: string;
}

function cluesOf(port: PortClue): Clue[] {
  const clues: Clue[] = [];
  const text = `${port.banner ?? ""} ${port.httpServer ?? ""}`;
  if (port.service === "ssh" && port.banner) {
    if (/OpenSSH_for_Windows/i.test(text)) clues.push({ family: "WINDOWS", weight: 0.8, device: "windows-server" });
    else if (/Debian|Ubuntu|Raspbian|Fedora|Red ?Hat|CentOS|el\d|SUSE|Alpine|Arch/i.test(text)) clues.push({ family: "LINUX", weight: 0.9, device: "linux-server" });
    else if (/FreeBSD|OpenBSD|NetBSD/i.test(text)) clues.push({ family: "BSD", weight: 0.85, device: "unix-server" });
    else if (/Cisco|Juniper|RouterOS|Mikrotik|ROSSSH|HUAWEI|Comware|FortiSSH|ArubaOS/i.test(text)) clues.push({ family: "NETWORK", weight: 0.85, device: /Forti/i.test(text) ? "firewall" : "switch" });
    else if (/dropbear/i.test(text)) clues.push({ family: "LINUX", weight: 0.6, device: "iot" });
    else if (/OpenSSH/i.test(text)) clues.push({ family: "LINUX", weight: 0.55, device: "linux-server" });
  }
  if (/Microsoft-IIS|Microsoft-HTTPAPI/i.test(text)) clues.push({ family: "WINDOWS", weight: 0.8, device: "windows-server" });
  if (/\(Debian\)|\(Ubuntu\)|\(CentOS\)|\(Red Hat\)|\(Fedora\)/i.test(text)) clues.push({ family: "LINUX", weight: 0.7, device: "linux-server" });
  if (/Microsoft ESMTP|Microsoft FTP/i.test(text)) clues.push({ family: "WINDOWS", weight: 0.75, device: "windows-server" });
  if (/Postfix|Exim|Sendmail|vsftpd|ProFTPD/i.test(text)) clues.push({ family: "LINUX", weight: 0.4, device: "linux-server" });
  if (/VMware ESXi|Proxmox/i.test(text)) clues.push({ family: /ESXi/i.test(text) ? "UNKNOWN" : "LINUX", weight: 0.7, device: "hypervisor" });
  if ([135, 139, 445, 3389, 5985, 5986].includes(port.port)) clues.push({ family: "WINDOWS", weight: port.port === 3389 || port.port >= 5985 ? 0.7 : 0.5, device: "windows-server" });
  if ([9100, 515, 631].includes(port.port)) clues.push({ family: "UNKNOWN", weight: 0.6, device: "printer" });
  if (port.port === 548) clues.push({ family: "MACOS", weight: 0.5 });
  if (port.service === "telnet") clues.push({ family: "NETWORK", weight: 0.3, device: "iot" });
  if (port.service === "snmp" && port.banner) {
    // sysDescr: the agent's own description of the system.
    const descr = port.banner;
    if (/Cisco|Juniper|JUNOS|RouterOS|Arista|ProCurve|Aruba|HUAWEI|Comware|FortiGate|Brocade/i.test(descr)) clues.push({ family: "NETWORK", weight: 0.9, device: /Forti/i.test(descr) ? "firewall" : "switch" });
    else if (/Windows/i.test(descr)) clues.push({ family: "WINDOWS", weight: 0.85, device: "windows-server" });
    else if (/FreeBSD|OpenBSD|NetBSD/i.test(descr)) clues.push({ family: "BSD", weight: 0.85, device: "unix-server" });
    else if (/Darwin/i.test(descr)) clues.push({ family: "MACOS", weight: 0.8 });
    else if (/Linux/i.test(descr)) clues.push({ family: "LINUX", weight: 0.8, device: "linux-server" });
  }
  return clues;
}

function methodsOf(ports: PortClue[]): SuggestedMethod[] {
  const methods: SuggestedMethod[] = [];
  const add = (method: SuggestedMethod) => {
    if (!methods.some((known) => known.type === method.type && known.port === method.port)) methods.push(method);
  };
  for (const port of ports) {
    if (port.service === "ssh") add({ type: "SSH", port: port.port, detail: port.banner?.split("\n")[0] ?? null });
  }
  for (const port of ports) {
    if (port.port === 5986) add({ type: "WINRM", port: 5986, detail: "HTTPS" });
    else if (port.port === 5985) add({ type: "WINRM", port: 5985, detail: "HTTP" });
  }
  for (const port of ports) {
    if (port.port === 161 || port.service === "snmp") add({ type: "SNMP", port: port.port, detail: port.banner });
  }
  for (const port of ports) {
    if ((port.service === "http" || port.service === "https") && port.port !== 5985 && port.port !== 5986) {
      add({ type: "HTTP", port: port.port, detail: port.service === "https" ? "HTTPS" : "HTTP" });
    }
  }
  for (const port of ports) if (port.service === "telnet") add({ type: "TELNET", port: port.port, detail: null });
  return methods;
}

export function classify(ports: PortClue[], knownDeviceTypes: ReadonlySet<string>): Classification {
  const scores = new Map<OsFamily, number>();
  const devices = new Map<string, number>();
  for (const clue of ports.flatMap(cluesOf)) {
    // Independent clues reinforce each other: 1 - Π(1 - w).
    scores.set(clue.family, 1 - (1 - (scores.get(clue.family) ?? 0)) * (1 - clue.weight));
    if (clue.device) devices.set(clue.device, Math.max(devices.get(clue.device) ?? 0, clue.weight));
  }
  let osFamily: OsFamily = "UNKNOWN";
  let best = 0;
  for (const [family, score] of scores) {
    if (family !== "UNKNOWN" && score > best) [osFamily, best] = [family, score];
  }
  const suggestedMethods = methodsOf(ports);
  let deviceTypeKey: string | null = [...devices.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  // Only a web interface, or nothing telling: the registry's generic type.
  if (!deviceTypeKey && ports.length) deviceTypeKey = "other";
  if (deviceTypeKey && !knownDeviceTypes.has(deviceTypeKey)) deviceTypeKey = knownDeviceTypes.has("other") ? "other" : null;
  return { osFamily, osConfidence: Math.round(best * 100) / 100, deviceTypeKey, suggestedMethods };
}

/** The targets `osType` a family maps to. */
export function targetOsType(family: OsFamily): "LINUX" | "WINDOWS" | "NETWORK" | "OTHER" {
  if (family === "LINUX" || family === "WINDOWS" || family === "NETWORK") return family;
  return "OTHER";
}
