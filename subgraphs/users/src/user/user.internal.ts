import { internalFailure, route, userProfileContract } from "@opsconductor/kit/subgraph";
import type { UserService } from "./user.service";

/** Contracts served to sibling services (the auth service at login and refresh). */
export const internalUserRoutes = (users: UserService) => [
  route(userProfileContract, async ({ params }) => {
    const summary = await users.authSummary(params.id);
    if (!summary) throw internalFailure(404, "user not found");
    return summary;
  }),
];
