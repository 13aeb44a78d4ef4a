import type { NextFunction, Request, Response } from "express";
import {
  contractPath,
  internalFailureBody,
  type ContractBody,
  type ContractParams,
  type ContractResponse,
  type InternalContract,
  type InternalFailureBody,
} from "./contracts";
import { safeEqual } from "./crypto";

/** Header carrying the service token on service-to-service calls. */
export const SERVICE_TOKEN_HEADER = "x-service-token";

/** Express guard for /internal routes: only sibling services holding the service token get through. */
export function requireServiceToken(serviceToken: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const presented = req.header(SERVICE_TOKEN_HEADER);
    if (!presented || !safeEqual(presented, serviceToken)) {
      res.status(401).json({ error: { message: "service token required" } });
      return;
    }
    next();
  };
}

/** A failed internal call: the status and, when the callee answered per contract, its failure body. */
export class InternalCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
    readonly failure?: InternalFailureBody,
  ) {
    super(message);
  }
}

export interface InternalCallOptions {
  serviceToken: string;
  requestId?: string;
  timeoutMs?: number;
  /**
   * Extra tries after a 5xx, 429 or a network failure, with back-off (200 ms, 400 ms, …). Only for
   * calls that are safe to repeat (reads, or writes idempotent by key). Default 0.
   */
  retries?: number;
}

const retryable = (error: unknown) =>
  error instanceof InternalCallError ? error.status >= 500 || error.status === 429 : error instanceof TypeError || (error as Error)?.name === "TimeoutError";

/** JSON call to a sibling service's internal endpoint with the service token and request id. */
export async function internalCall<T>(
  url: string,
  options: InternalCallOptions & { method?: string; body?: unknown },
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
  if (!response.ok) {
    const failure = internalFailureBody.safeParse(body);
    throw new InternalCallError(
      response.status,
      body,
      `internal call ${new URL(url).pathname} answered ${response.status}`,
      failure.success ? failure.data.error : undefined,
    );
  }
  return body as T;
}

/**
 * Calls a contract on a sibling: the body is checked before it leaves, the reply after it arrives
 * (a reply that breaks the contract is an error, never silently trusted).
 */
export async function callInternal<C extends InternalContract>(
  baseUrl: string,
  contract: C,
  input: { params?: ContractParams<C>; body?: ContractBody<C> } & InternalCallOptions,
): Promise<ContractResponse<C>> {
  const params = contract.params.parse(input.params ?? {}) as Record<string, string>;
  const body = contract.body ? contract.body.parse(input.body) : undefined;
  const url = new URL(contractPath(contract, params), baseUrl).toString();
  let reply: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      reply = await internalCall<unknown>(url, { ...input, method: contract.method, body });
      break;
    } catch (error) {
      if (attempt >= (input.retries ?? 0) || !retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
  return (contract.response ? contract.response.parse(reply) : undefined) as ContractResponse<C>;
}
