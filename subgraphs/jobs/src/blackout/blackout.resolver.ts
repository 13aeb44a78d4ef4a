import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { JobsContext } from "../context";
import { BlackoutWindowInput } from "../schedule/schedule.type";
import { GlobalBlackoutWindow } from "./blackout.type";

@Resolver(() => GlobalBlackoutWindow)
export class GlobalBlackoutResolver {
  @Query(() => [GlobalBlackoutWindow], { description: "Blackout windows that apply to every schedule, oldest first; needs jobs:read." })
  globalBlackoutWindows(@Ctx() ctx: JobsContext): Promise<GlobalBlackoutWindow[]> {
    return ctx.blackouts.list(ctx);
  }

  @Mutation(() => GlobalBlackoutWindow, { description: "A blackout window for every schedule (at most 50); needs system:write." })
  createGlobalBlackoutWindow(@Ctx() ctx: JobsContext, @Arg("input", () => BlackoutWindowInput) input: BlackoutWindowInput): Promise<GlobalBlackoutWindow> {
    return ctx.blackouts.create(ctx, input);
  }

  @Mutation(() => Boolean, { description: "Removes a global blackout window; needs system:write." })
  deleteGlobalBlackoutWindow(@Ctx() ctx: JobsContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.blackouts.delete(ctx, id);
  }
}
