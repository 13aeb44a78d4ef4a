import express, { type ErrorRequestHandler, type Express } from "express";
import { requireServiceToken, z, type Logger } from "@opsconductor/kit";
import type { CredentialService } from "./credential.service";
import { textProblem, USERNAME_MAX_LENGTH } from "./text";

const text = () => z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") });
const bodySchema = z.object(
  {
    userId: text().uuid("must be a UUID"),
    username: text()
      .trim()
      .min(1, "must not be empty")
      .max(USERNAME_MAX_LENGTH, `must be at most ${USERNAME_MAX_LENGTH} characters`)
      .refine((value) => textProblem(value, USERNAME_MAX_LENGTH) === null, "must be valid text without NUL characters"),
    password: text(),
  },
  "must be a JSON object",
);

/**
 * `POST /internal/credentials`: the users service stores the initial password of a user it
 * created. The body holds a password, so it is never logged, not even on errors.
 * `DELETE /internal/credentials/:userId`: the users service takes a credential back when the user
 * it was stored for did not commit. Idempotent: 204 whether or not one existed.
 */
export function credentialRoutes(app: Express, deps: { serviceToken: string; credentials: CredentialService; logger: Logger }) {
  const router = express.Router();
  // The token is checked before the body is even parsed.
  router.use(requireServiceToken(deps.serviceToken));
  router.post("/credentials", express.json({ limit: "16kb" }), async (req, res) => {
    const parsed = bodySchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".") || "body";
      res.status(400).json({ error: { field, message: `${field} ${issue?.message ?? "is invalid"}` } });
      return;
    }
    const result = await deps.credentials.create(parsed.data);
    if (result.ok) {
      deps.logger.info("credential created", { userId: parsed.data.userId });
      res.status(201).json({ ok: true });
      return;
    }
    res.status(result.reason === "policy" ? 400 : 409).json({ error: { field: result.field, message: result.message } });
  });

  router.delete("/credentials/:userId", async (req, res) => {
    const userId = z.string().uuid().safeParse(req.params.userId);
    if (!userId.success) {
      res.status(400).json({ error: { field: "userId", message: "userId must be a UUID" } });
      return;
    }
    if (await deps.credentials.remove(userId.data)) deps.logger.info("credential removed", { userId: userId.data });
    res.status(204).end();
  });

  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = (error as { status?: number }).status;
    if (status === 400 || status === 413 || status === 415) {
      res.status(status).json({ error: { field: "body", message: status === 413 ? "body is too large" : "body must be a JSON object" } });
      return;
    }
    deps.logger.error("internal credentials request failed", { error: (error as Error).message });
    res.status(500).json({ error: { message: "Internal error" } });
  };
  router.use(onError);
  app.use("/internal", router);
}
