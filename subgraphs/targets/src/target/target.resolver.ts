import { crud, CrudResolver, PaginationInput, userReference, UserReference } from "@opsconductor/kit/subgraph";
import { FieldResolver, Root } from "type-graphql";
import type { TargetsContext } from "../context";
import { CreateTargetInput, TargetFilter, TargetSort, UpdateTargetInput } from "./target.input";
import { Target, TargetPage } from "./target.type";

/** GraphQL ↔ TargetService; the service holds the rules and the permission checks. */
@CrudResolver(() => Target, (ctx: TargetsContext) => ctx.targets, {
  targets: crud.list(() => TargetPage, "Active targets; needs targets:read. Sorted by name by default.", { filter: () => TargetFilter, pagination: () => PaginationInput, sort: () => TargetSort }, "object", { info: true }),
  target: crud.get("Null when the target does not exist or was deleted."),
  createTarget: crud.create(() => CreateTargetInput, "Needs targets:write."),
  updateTarget: crud.update(() => UpdateTargetInput, "Needs targets:write."),
  deleteTarget: crud.remove("Soft delete; needs targets:write. Its address:port can be reused."),
  restoreTarget: crud.byId("Undoes a delete; needs targets:write. CONFLICT when its address:port was taken meanwhile.", (targets, ctx, id) => targets.restore(ctx, id)),
})
export class TargetResolver {
  @FieldResolver(() => UserReference, { nullable: true, description: "The user who created the target." })
  createdBy(@Root() target: Target): UserReference | null {
    return userReference(target.createdById);
  }
}
