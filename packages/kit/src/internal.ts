import type { NextFunction, Request, Response } from "express";
import { safeEqual } from "./crypto";

/** Header carrying the service token on service-to-service calls. */
export const SERVICE_TOKEN_HEADER = "x-service-token";

/** Express guard for /internal routes: only sibling services holding the service token get through. */
export function requireServiceToken(serviceToken: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const presented = req.header(SERVICE_TOKEN_HEADER);
    if (!presented || !safeEqual(presented, serviceToken)) {
      res.status(401).json({ error: "service token required" });
      return;
    }
    next();
  };
}

export class InternalCallError extends Error {
  constructor(readonly status: number, readonly body: unknown, message: string) {
    super(message);
  }
}

/** JSON call to a sibling service's internal endpoint with the service token and request id. */
export async function internalCall<T>(
  url: string,
  options: { serviceToken: string; method?: string; body?: unknown; requestId?: string; timeoutMs?: number },
): Promise<T> {
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers: {
      "content-type": "application/json",
      [SERVICE_TOKEN_HEADER]: options.serviceToken,
      ...(options.requestId ? { "x-request-id": options.requestId } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
  const text = await response.text();
  let body: unknown = text || undefined;
  try {
    if (text) body = JSON.parse(text) as unknown;
  } catch (error) {
    // A proxy's HTML error page must surface as the failed call it is, with its status.
    if (response.ok) throw error;
  }
  if (!response.ok) throw new InternalCallError(response.status, body, `internal call ${new URL(url).pathname} answered ${response.status}`);
  return body as T;
}
