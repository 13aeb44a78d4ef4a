import type { NextFunction, Request, RequestHandler, Response } from "express";

/**
 * The web console's refresh token lives in this cookie and never in the page's JavaScript: the gateway
 * sets it (HttpOnly; Secure; SameSite=Strict; Path=/graphql) on the console's `login` and `refreshToken`
 * answers, blanks the token in the body it returns, puts it back into the console's `$refreshToken`
 * variable on the way in, and clears it when `logout` succeeds or a refresh is refused.
 *
 * Only requests that carry SESSION_HEADER take part (the console sends it on every request); API clients
 * and the SDK see the plain GraphQL contract. The header's value at login chooses the cookie's life:
 * `persistent` ("stay signed in": kept for the refresh token's lifetime) or anything else (a browser-session
 * cookie). The choice is kept in the cookie's value, so a refresh keeps it.
 */
export const REFRESH_COOKIE = "opsc_refresh";
export const SESSION_HEADER = "x-opsc-session";
const COOKIE_PATH = "/graphql";

/** The named cookie's value from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

function cookieHeader(value: string, maxAgeSeconds: number | undefined): string {
  const parts = [`${REFRESH_COOKIE}=${encodeURIComponent(value)}`, `Path=${COOKIE_PATH}`, "HttpOnly", "Secure", "SameSite=Strict"];
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  return parts.join("; ");
}

type Payload = { data?: Record<string, unknown> | null; errors?: Array<{ path?: unknown[]; extensions?: { code?: unknown } }> };

/** Stored as `p.<token>` (persistent) or `s.<token>` (browser session). */
const PERSISTENT = "p.";
const SESSION = "s.";

export function sessionCookies(refreshTtlSeconds: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const mode = req.get(SESSION_HEADER);
    if (!mode) return next();
    const stored = readCookie(req.headers.cookie, REFRESH_COOKIE);
    const persistentNow = stored?.startsWith(PERSISTENT) ?? false;
    const token = stored && (stored.startsWith(PERSISTENT) || stored.startsWith(SESSION)) ? stored.slice(2) : undefined;
    const body = req.body as { variables?: Record<string, unknown> } | undefined;
    const variables = body?.variables;
    if (variables && typeof variables === "object" && "refreshToken" in variables && !variables.refreshToken && token) {
      variables.refreshToken = token;
    }
    const send = res.send.bind(res);
    res.send = (payload: unknown) => {
      if (typeof payload !== "string" || !String(res.get("content-type") ?? "").includes("json")) return send(payload);
      let parsed: Payload;
      try {
        parsed = JSON.parse(payload) as Payload;
      } catch {
        return send(payload);
      }
      const data = parsed.data ?? {};
      let cookie: string | undefined;
      for (const field of ["login", "refreshToken"]) {
        const result = data[field] as { refreshToken?: unknown } | null | undefined;
        if (result && typeof result.refreshToken === "string" && result.refreshToken) {
          const persistent = field === "login" ? mode === "persistent" : persistentNow;
          cookie = cookieHeader((persistent ? PERSISTENT : SESSION) + result.refreshToken, persistent ? refreshTtlSeconds : undefined);
          result.refreshToken = "";
        }
      }
      const refused = parsed.errors?.some((error) => error.path?.[0] === "refreshToken" && error.extensions?.code === "UNAUTHENTICATED");
      if (data.logout === true || refused) cookie = cookieHeader("", 0);
      if (!cookie) return send(payload);
      res.append("Set-Cookie", cookie);
      res.append("Cache-Control", "no-store");
      return send(JSON.stringify(parsed));
    };
    next();
  };
}
