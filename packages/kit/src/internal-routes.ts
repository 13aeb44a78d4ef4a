import express, { type ErrorRequestHandler, type Express, type Request } from "express";
import type { z } from "zod";
import type { ContractBody, ContractParams, ContractResponse, InternalContract, InternalFailureBody } from "./contracts";
import { requireServiceToken } from "./internal";
import type { Logger } from "./logger";

/** Thrown by a handler for an expected failure: answered as `{ error: { field?, message } }` with the status. */
export class InternalFailure extends Error {
  constructor(
    readonly status: number,
    readonly failure: InternalFailureBody,
  ) {
    super(failure.message);
  }
}
export const internalFailure = (status: number, message: string, field?: string) =>
  new InternalFailure(status, field === undefined ? { message } : { field, message });

export interface InternalRoute<C extends InternalContract = InternalContract> {
  contract: C;
  handle(input: { params: ContractParams<C>; body: ContractBody<C>; requestId?: string }): Promise<ContractResponse<C>>;
}
/** One handler for one contract; the types come from the contract. */
export const route = <C extends InternalContract>(contract: C, handle: InternalRoute<C>["handle"]): InternalRoute<C> => ({ contract, handle });

function firstIssue(error: z.ZodError, where: string): InternalFailureBody {
  const issue = error.issues[0];
  const field = issue?.path.join(".") || where;
  return { field, message: `${field} ${issue?.message ?? "is invalid"}` };
}

function send(res: express.Response, status: number, body?: unknown) {
  if (body === undefined) res.status(status).end();
  else res.status(status).json(body);
}

/**
 * Mounts contracts under `/internal`, behind the service token (checked before the body is parsed).
 * Bodies are never logged: some carry passwords.
 */
export function internalRoutes(app: Express, options: { serviceToken: string; logger: Logger; routes: InternalRoute[]; bodyLimit?: string }) {
  const router = express.Router();
  router.use(requireServiceToken(options.serviceToken));
  for (const { contract, handle } of options.routes) {
    if (!contract.path.startsWith("/internal/")) throw new Error(`internal contract path must start with /internal/: ${contract.path}`);
    const method = contract.method.toLowerCase() as "get" | "post" | "put" | "delete";
    const handlers = contract.body ? [express.json({ limit: options.bodyLimit ?? "16kb" })] : [];
    router[method](contract.path.slice("/internal".length), ...handlers, async (req: Request, res) => {
      const params = contract.params.safeParse(req.params);
      if (!params.success) return send(res, 400, { error: firstIssue(params.error, "params") });
      let body: unknown;
      if (contract.body) {
        const parsed = contract.body.safeParse(req.body ?? {});
        if (!parsed.success) return send(res, 400, { error: firstIssue(parsed.error, "body") });
        body = parsed.data;
      }
      try {
        const reply = await handle({ params: params.data, body, requestId: req.header("x-request-id") } as never);
        if (!contract.response) return send(res, 204);
        return send(res, contract.method === "POST" ? 201 : 200, contract.response.parse(reply));
      } catch (error) {
        if (error instanceof InternalFailure) return send(res, error.status, { error: error.failure });
        options.logger.error("internal request failed", { path: contract.path, error: (error as Error).message });
        return send(res, 500, { error: { message: "Internal error" } });
      }
    });
  }
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = (error as { status?: number }).status;
    if (status === 400 || status === 413 || status === 415) {
      send(res, status, { error: { field: "body", message: status === 413 ? "body is too large" : "body must be a JSON object" } });
      return;
    }
    options.logger.error("internal request failed", { error: (error as Error).message });
    send(res, 500, { error: { message: "Internal error" } });
  };
  router.use(onError);
  app.use("/internal", router);
}
