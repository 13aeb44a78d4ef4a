import { crud, CrudResolver, PaginationInput } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, Root } from "type-graphql";
import type { TargetsContext } from "../context";
import { TargetSort } from "../target/target.input";
import { TargetPage } from "../target/target.type";
import { SavedGroup, SavedGroupInput } from "./group.type";

@CrudResolver(() => SavedGroup, (ctx: TargetsContext) => ctx.groups, {
  savedGroups: crud.list(() => [SavedGroup], "Needs targets:read.", {}),
  savedGroup: crud.get(),
  createSavedGroup: crud.create(() => SavedGroupInput, "Needs targets:write."),
  updateSavedGroup: crud.update(() => SavedGroupInput, "Needs targets:write."),
  deleteSavedGroup: crud.remove("Needs targets:write."),
})
export class GroupResolver {
  @FieldResolver(() => TargetPage, { description: "The targets matching the group's filter now." })
  targets(
    @Ctx() ctx: TargetsContext,
    @Root() group: SavedGroup,
    @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput,
    @Arg("sort", () => TargetSort, { nullable: true }) sort?: TargetSort,
  ): Promise<TargetPage> {
    return ctx.targets.list(ctx, { filter: group.filter, pagination, sort });
  }
}
