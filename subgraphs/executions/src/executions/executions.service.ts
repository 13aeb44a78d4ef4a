import { pageArgs, requireUser, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { ExecutionsItemPage } from "./executions.type";

/** Rules and data access of executions items. Add this service's permissions to kit's catalog and check them here. */
export class ExecutionsItemService {
  constructor(
    private readonly prisma: PrismaClient,
    readonly transaction: Transact<Prisma.TransactionClient>,
  ) {}

  async list(ctx: RequestContext, pagination?: PaginationInput | null): Promise<ExecutionsItemPage> {
    requireUser(ctx);
    const { skip, take } = pageArgs(pagination);
    const [items, total] = await Promise.all([
      this.prisma.executionsItem.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip, take }),
      this.prisma.executionsItem.count(),
    ]);
    return { items, total };
  }
}
