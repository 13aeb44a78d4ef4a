import { requireServiceToken, type RequestContext, type SubgraphOptions } from "@opsconductor/kit";
import type { UserService } from "./user.service";

// The kit's Express app type, without this workspace depending on express itself.
type App = Parameters<NonNullable<SubgraphOptions<RequestContext>["routes"]>>[0];

/** Routes for sibling services (the auth service at login and refresh), guarded by the service token. */
export function mountInternalUserRoutes(app: App, deps: { users: UserService; serviceToken: string }): void {
  app.get("/internal/users/:id", requireServiceToken(deps.serviceToken), async (req, res) => {
    const summary = await deps.users.authSummary(String(req.params.id));
    if (!summary) {
      res.status(404).json({ error: "not found" });
      return;
    }
    res.json(summary);
  });
}
