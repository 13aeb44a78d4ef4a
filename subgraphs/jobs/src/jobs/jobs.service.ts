import { pageArgs, requireUser, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { JobsItemPage } from "./jobs.type";

/** Rules and data access of jobs items. Add this service's permissions to kit's catalog and check them here. */
export class JobsItemService {
  constructor(
    private readonly prisma: PrismaClient,
    readonly transaction: Transact<Prisma.TransactionClient>,
  ) {}

  async list(ctx: RequestContext, pagination?: PaginationInput | null): Promise<JobsItemPage> {
    requireUser(ctx);
    const { skip, take } = pageArgs(pagination);
    const [items, total] = await Promise.all([
      this.prisma.jobsItem.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip, take }),
      this.prisma.jobsItem.count(),
    ]);
    return { items, total };
  }
}
