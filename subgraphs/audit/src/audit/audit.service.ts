import { pageArgs, requireUser, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { AuditItemPage } from "./audit.type";

/** Rules and data access of audit items. Add this service's permissions to kit's catalog and check them here. */
export class AuditItemService {
  constructor(
    private readonly prisma: PrismaClient,
    readonly transaction: Transact<Prisma.TransactionClient>,
  ) {}

  async list(ctx: RequestContext, pagination?: PaginationInput | null): Promise<AuditItemPage> {
    requireUser(ctx);
    const { skip, take } = pageArgs(pagination);
    const [items, total] = await Promise.all([
      this.prisma.auditItem.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip, take }),
      this.prisma.auditItem.count(),
    ]);
    return { items, total };
  }
}
