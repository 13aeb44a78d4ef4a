import { PaginationInput } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { TargetsContext } from "../context";
import { TargetSort } from "../target/target.input";
import { TargetPage } from "../target/target.type";
import { SavedGroup, SavedGroupInput } from "./group.type";

@Resolver(() => SavedGroup)
export class GroupResolver {
  @Query(() => [SavedGroup], { description: "Needs targets:read." })
  savedGroups(@Ctx() ctx: TargetsContext): Promise<SavedGroup[]> {
    return ctx.groups.list(ctx);
  }

  @Query(() => SavedGroup, { nullable: true })
  savedGroup(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string): Promise<SavedGroup | null> {
    return ctx.groups.get(ctx, id);
  }

  @Mutation(() => SavedGroup, { description: "Needs targets:write." })
  createSavedGroup(@Ctx() ctx: TargetsContext, @Arg("input", () => SavedGroupInput) input: SavedGroupInput): Promise<SavedGroup> {
    return ctx.groups.create(ctx, input);
  }

  @Mutation(() => SavedGroup, { description: "Needs targets:write." })
  updateSavedGroup(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string, @Arg("input", () => SavedGroupInput) input: SavedGroupInput): Promise<SavedGroup> {
    return ctx.groups.update(ctx, id, input);
  }

  @Mutation(() => Boolean, { description: "Needs targets:write." })
  deleteSavedGroup(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.groups.delete(ctx, id);
  }

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
