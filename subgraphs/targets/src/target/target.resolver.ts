import { PaginationInput, userReference, UserReference } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { TargetsContext } from "../context";
import { CreateTargetInput, TargetFilter, TargetSort, UpdateTargetInput } from "./target.input";

import { Target, TargetPage } from "./target.type";

/** GraphQL ↔ TargetService; the service holds the rules and the permission checks. */
@Resolver(() => Target)
export class TargetResolver {
  @Query(() => TargetPage, { description: "Active targets; needs targets:read. Sorted by name by default." })
  targets(
    @Ctx() ctx: TargetsContext,
    @Arg("filter", () => TargetFilter, { nullable: true }) filter?: TargetFilter,
    @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput,
    @Arg("sort", () => TargetSort, { nullable: true }) sort?: TargetSort,
  ): Promise<TargetPage> {
    return ctx.targets.list(ctx, { filter, pagination, sort });
  }

  @Query(() => Target, { nullable: true, description: "Null when the target does not exist or was deleted." })
  target(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string): Promise<Target | null> {
    return ctx.targets.get(ctx, id);
  }

  @Mutation(() => Target, { description: "Needs targets:write." })
  createTarget(@Ctx() ctx: TargetsContext, @Arg("input", () => CreateTargetInput) input: CreateTargetInput): Promise<Target> {
    return ctx.targets.create(ctx, input);
  }

  @Mutation(() => Target, { description: "Needs targets:write." })
  updateTarget(
    @Ctx() ctx: TargetsContext,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateTargetInput) input: UpdateTargetInput,
  ): Promise<Target> {
    return ctx.targets.update(ctx, id, input);
  }

  @Mutation(() => Boolean, { description: "Soft delete; needs targets:write. Its address:port can be reused." })
  deleteTarget(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.targets.delete(ctx, id);
  }

  @Mutation(() => Target, { description: "Undoes a delete; needs targets:write. CONFLICT when its address:port was taken meanwhile." })
  restoreTarget(@Ctx() ctx: TargetsContext, @Arg("id", () => ID) id: string): Promise<Target> {
    return ctx.targets.restore(ctx, id);
  }

  @FieldResolver(() => UserReference, { nullable: true, description: "The user who created the target." })
  createdBy(@Root() target: Target): UserReference | null {
    return userReference(target.createdById);
  }
}
