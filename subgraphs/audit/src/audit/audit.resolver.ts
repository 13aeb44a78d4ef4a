import { PaginationInput, type RequestContext } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { AuditItemService } from "./audit.service";
import { AuditItem, AuditItemPage } from "./audit.type";

type Context = RequestContext & { audit: AuditItemService };

@Resolver(() => AuditItem)
export class AuditItemResolver {
  @Query(() => AuditItemPage, { description: "Audit items, oldest first; needs a signed-in user." })
  auditItems(@Ctx() ctx: Context, @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput): Promise<AuditItemPage> {
    return ctx.audit.list(ctx, pagination);
  }
}
