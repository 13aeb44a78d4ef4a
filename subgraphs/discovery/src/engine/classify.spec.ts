import { classify } from "./classify";

const registry = new Set(["linux-server", "windows-server", "unix-server", "switch", "printer", "iot", "other"]);
const port = (port: number, service: string | null, banner: string | null = null, httpServer: string | null = null) => ({ port, service, banner, httpServer });

describe("classification", () => {
  it("a Debian OpenSSH is a Linux server reached over SSH", () => {
    const result = classify([port(22, "ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"), port(80, "http", null, "nginx")], registry);
    expect(result).toMatchObject({ osFamily: "LINUX", deviceTypeKey: "linux-server" });
    expect(result.osConfidence).toBeGreaterThanOrEqual(0.9);
    expect(result.suggestedMethods).toEqual([
      { type: "SSH", port: 22, detail: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" },
      { type: "HTTP", port: 80, detail: "HTTP" },
    ]);
  });

  it("RDP, SMB and WinRM make a Windows server with WinRM suggested", () => {
    const result = classify([port(445, "microsoft-ds"), port(3389, "ms-wbt-server"), port(5985, "http", null, "Microsoft-HTTPAPI/2.0")], registry);
    expect(result).toMatchObject({ osFamily: "WINDOWS", deviceTypeKey: "windows-server" });
    expect(result.osConfidence).toBeGreaterThan(0.9);
    expect(result.suggestedMethods).toEqual([{ type: "WINRM", port: 5985, detail: "HTTP" }]);
  });

  it("a network OS by its SSH banner; a printer by its ports; nothing telling is UNKNOWN / other", () => {
    expect(classify([port(22, "ssh", "SSH-2.0-Cisco-1.25")], registry)).toMatchObject({ osFamily: "NETWORK", deviceTypeKey: "switch" });
    expect(classify([port(9100, "jetdirect"), port(631, "ipp")], registry)).toMatchObject({ deviceTypeKey: "printer" });
    expect(classify([port(12345, null)], registry)).toMatchObject({ osFamily: "UNKNOWN", osConfidence: 0, deviceTypeKey: "other", suggestedMethods: [] });
  });

  it("only suggests device types the registry has", () => {
    expect(classify([port(22, "ssh", "SSH-2.0-OpenSSH_9.2p1 Debian")], new Set(["other"])).deviceTypeKey).toBe("other");
    expect(classify([port(22, "ssh", "SSH-2.0-OpenSSH_9.2p1 Debian")], new Set()).deviceTypeKey).toBeNull();
  });

  it("an SNMP sysDescr is a clue: Cisco IOS a switch, Linux a Linux server, with SNMP suggested on the probed port", () => {
    const cisco = classify([port(1161, "snmp", "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE")], registry);
    expect(cisco).toMatchObject({ osFamily: "NETWORK", deviceTypeKey: "switch", suggestedMethods: [{ type: "SNMP", port: 1161 }] });
    expect(classify([port(161, "snmp", "Linux host 6.1.0-18-amd64 #1 SMP x86_64")], registry)).toMatchObject({ osFamily: "LINUX", deviceTypeKey: "linux-server" });
    expect(classify([port(161, "snmp", "Hardware: Intel64 Family 6 - Software: Windows Version 6.3")], registry)).toMatchObject({ osFamily: "WINDOWS" });
  });
});
