import { PaginationInput, type RequestContext } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { JobsItemService } from "./jobs.service";
import { JobsItem, JobsItemPage } from "./jobs.type";

type Context = RequestContext & { jobs: JobsItemService };

@Resolver(() => JobsItem)
export class JobsItemResolver {
  @Query(() => JobsItemPage, { description: "Jobs items, oldest first; needs a signed-in user." })
  jobsItems(@Ctx() ctx: Context, @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput): Promise<JobsItemPage> {
    return ctx.jobs.list(ctx, pagination);
  }
}
