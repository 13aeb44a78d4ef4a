import http from "node:http";
import https from "node:https";
import { authenticateMessage, negotiateMessage, parseChallenge } from "./ntlm";

/**
 * The WinRM connection test: an authenticated WS-Management Identify (POST /wsman) with the method's
 * auth type, Basic (one request) or NTLM (NEGOTIATE → CHALLENGE → AUTHENTICATE on one kept-alive
 * connection, under the Negotiate or NTLM scheme the server offers). A 401 after the credentials is
 * AUTH_FAILED; a 200 with an IdentifyResponse gives the product vendor and version. Socket errors
 * are thrown as they are, for the caller to categorize.
 */

export const IDENTIFY =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">' +
  "<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>";

export interface WinrmRequest {
  host: string;
  /** For TLS SNI when the address is a name. */
  servername?: string;
  port: number;
  https: boolean;
  tlsVerify: boolean;
  authType: string;
  username: string;
  password: string;
  deadline: number;
}

export interface WinrmOutcome {
  ok: boolean;
  category: "AUTH_FAILED" | "PROTOCOL" | "CONFIG" | null;
  message: string;
  serverVersion: string | null;
}

interface Reply {
  status: number;
  challenges: string[];
  body: string;
  server: string | null;
}

function post(request: WinrmRequest, agent: http.Agent, authorization: string | null): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const transport = request.https ? https : http;
    const body = Buffer.from(IDENTIFY, "utf8");
    const req = transport.request({
      host: request.host,
      port: request.port,
      path: "/wsman",
      method: "POST",
      agent,
      servername: request.servername,
      rejectUnauthorized: request.tlsVerify,
      headers: {
        "content-type": "application/soap+xml;charset=UTF-8",
        "content-length": body.length,
        "user-agent": "opsconductor-check",
        ...(authorization ? { authorization } : {}),
      },
    });
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error(`no answer within the connection test's limit`), { code: "ETIMEDOUT" })),
      Math.max(1, request.deadline - Date.now()),
    );
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (text.length < 65_536) text += chunk;
      });
      res.on("end", () => {
        clearTimeout(timer);
        const challenges: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i].toLowerCase() === "www-authenticate") challenges.push(res.rawHeaders[i + 1]);
        }
        const server = res.headers.server;
        resolve({ status: res.statusCode ?? 0, challenges, body: text, server: typeof server === "string" ? server : null });
      });
      res.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    req.end(body);
  });
}

/** "Microsoft Corporation OS: 10.0.17763 …" from an IdentifyResponse, else null. */
export function identity(body: string): string | null {
  if (!/IdentifyResponse/.test(body)) return null;
  const field = (name: string) => new RegExp(`<(?:\\w+:)?${name}>([^<]{0,200})</(?:\\w+:)?${name}>`).exec(body)?.[1]?.trim();
  const parts = [field("ProductVendor"), field("ProductVersion")].filter(Boolean);
  return parts.length ? parts.join(" ") : "WS-Management";
}

function outcome(reply: Reply, scheme: string): WinrmOutcome {
  if (reply.status === 401) return { ok: false, category: "AUTH_FAILED", message: `authentication failed (${scheme}): the server refused the credentials (HTTP 401)`, serverVersion: reply.server };
  if (reply.status === 403) return { ok: false, category: "AUTH_FAILED", message: `authenticated (${scheme}) but access is denied (HTTP 403)`, serverVersion: reply.server };
  if (reply.status >= 200 && reply.status < 300) {
    const version = identity(reply.body);
    if (version) return { ok: true, category: null, message: `WS-Management Identify, ${scheme} authentication`, serverVersion: version };
    return { ok: false, category: "PROTOCOL", message: `HTTP ${reply.status} without a WS-Management IdentifyResponse`, serverVersion: reply.server };
  }
  return { ok: false, category: "PROTOCOL", message: `credentials accepted (${scheme}), but WS-Management answered HTTP ${reply.status}`, serverVersion: reply.server };
}

const token = (challenges: string[], schemes: string[]) => {
  for (const header of challenges) {
    for (const part of header.split(/,\s*/)) {
      const match = /^(\w+)\s+([A-Za-z0-9+/=]+)$/.exec(part.trim());
      if (match && schemes.includes(match[1].toLowerCase())) return { scheme: match[1], data: Buffer.from(match[2], "base64") };
    }
  }
  return null;
};

export async function winrmIdentify(request: WinrmRequest): Promise<WinrmOutcome> {
  const authType = request.authType.toUpperCase();
  if (authType !== "BASIC" && authType !== "NTLM") {
    return { ok: false, category: "CONFIG", message: `${authType} authentication is not supported by the connection test (BASIC and NTLM are)`, serverVersion: null };
  }
  // One socket for the whole exchange: NTLM authenticates the connection, not the request.
  const agent = new (request.https ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 1 });
  try {
    if (authType === "BASIC") {
      const basic = Buffer.from(`${request.username}:${request.password}`, "utf8").toString("base64");
      return outcome(await post(request, agent, `Basic ${basic}`), "Basic");
    }
    // NEGOTIATE under "Negotiate" (what WinRM offers; it accepts a raw NTLM token there), then whichever the server answers with.
    let scheme = "Negotiate";
    let first = await post(request, agent, `${scheme} ${negotiateMessage().toString("base64")}`);
    let challenge = token(first.challenges, ["negotiate", "ntlm"]);
    if (!challenge && first.status === 401 && first.challenges.some((header) => /\bNTLM\b/i.test(header))) {
      scheme = "NTLM";
      first = await post(request, agent, `${scheme} ${negotiateMessage().toString("base64")}`);
      challenge = token(first.challenges, ["ntlm"]);
    }
    if (!challenge) {
      if (first.status === 401) {
        const offered = first.challenges.map((header) => header.split(/\s/)[0]).join(", ") || "nothing";
        return { ok: false, category: "AUTH_FAILED", message: `authentication failed: the server offers no NTLM challenge (WWW-Authenticate: ${offered})`, serverVersion: first.server };
      }
      return outcome(first, "NTLM");
    }
    let parsed;
    try {
      parsed = parseChallenge(challenge.data);
    } catch (error) {
      return { ok: false, category: "PROTOCOL", message: `bad NTLM challenge: ${(error as Error).message}`, serverVersion: first.server };
    }
    const authenticate = authenticateMessage(parsed, request.username, request.password);
    return outcome(await post(request, agent, `${challenge.scheme} ${authenticate.toString("base64")}`), "NTLM");
  } finally {
    agent.destroy();
  }
}
