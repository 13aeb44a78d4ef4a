import { PaginationInput, type RequestContext } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { ExecutionsItemService } from "./executions.service";
import { ExecutionsItem, ExecutionsItemPage } from "./executions.type";

type Context = RequestContext & { executions: ExecutionsItemService };

@Resolver(() => ExecutionsItem)
export class ExecutionsItemResolver {
  @Query(() => ExecutionsItemPage, { description: "Executions items, oldest first; needs a signed-in user." })
  executionsItems(@Ctx() ctx: Context, @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput): Promise<ExecutionsItemPage> {
    return ctx.executions.list(ctx, pagination);
  }
}
