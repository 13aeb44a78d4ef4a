import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { TargetsContext } from "../context";
import { TargetFilter } from "../target/target.input";
import { ImportReport, ImportTargetsInput, TargetExport, TransferFormat } from "./transfer.type";

@Resolver()
export class TransferResolver {
  @Mutation(() => ImportReport, { description: "CSV or JSON; every row is validated; all or nothing; dryRun writes nothing. Needs targets:write." })
  importTargets(@Ctx() ctx: TargetsContext, @Arg("input", () => ImportTargetsInput) input: ImportTargetsInput): Promise<ImportReport> {
    return ctx.transfer.importTargets(ctx, input);
  }

  @Query(() => TargetExport, { description: "All or filtered active targets as CSV or JSON (no secrets). Needs targets:read." })
  exportTargets(
    @Ctx() ctx: TargetsContext,
    @Arg("format", () => TransferFormat) format: TransferFormat,
    @Arg("filter", () => TargetFilter, { nullable: true }) filter?: TargetFilter,
  ): Promise<TargetExport> {
    return ctx.transfer.exportTargets(ctx, format, filter);
  }
}
