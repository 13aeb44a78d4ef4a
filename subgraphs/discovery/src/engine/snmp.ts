import snmp from "net-snmp";

/** SNMPv2-MIB system group: sysDescr.0 and sysName.0. */
const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
const SYS_NAME = "1.3.6.1.2.1.1.5.0";

export interface SnmpSystem {
  sysDescr: string | null;
  sysName: string | null;
}

const text = (value: unknown): string | null => {
  const string = Buffer.isBuffer(value) ? value.toString("utf8") : typeof value === "string" ? value : null;
  // Control characters out (an agent's sysDescr may hold line breaks), bounded like a banner.
  const clean = string?.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").trim().slice(0, 1_000);
  return clean || null;
};

/**
 * One SNMP v2c GET of sysDescr.0 and sysName.0 (UDP) through net-snmp; null when the agent does not
 * answer within `timeoutMs` (a wrong community gets no answer) or answers with an error.
 */
export function snmpSystem(address: string, options: { community: string; port: number; timeoutMs: number }): Promise<SnmpSystem | null> {
  return new Promise((resolve) => {
    let session: snmp.Session;
    try {
      session = snmp.createSession(address, options.community, {
        port: options.port,
        version: snmp.Version2c,
        timeout: options.timeoutMs,
        retries: 0,
        transport: address.includes(":") ? "udp6" : "udp4",
      });
    } catch {
      resolve(null);
      return;
    }
    const done = (value: SnmpSystem | null) => {
      try {
        session.close();
      } catch {
        // closed already
      }
      resolve(value);
    };
    session.on("error", () => done(null));
    session.get([SYS_DESCR, SYS_NAME], (error, varbinds) => {
      if (error || !varbinds) return done(null);
      const [descr, name] = varbinds.map((varbind) => (snmp.isVarbindError(varbind) ? null : text(varbind.value)));
      done(descr || name ? { sysDescr: descr ?? null, sysName: name ?? null } : null);
    });
  });
}
