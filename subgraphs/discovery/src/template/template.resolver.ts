import { PaginationInput, type RequestContext } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, GraphQLISODateTime, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Scan, ScanTemplate, ScanTemplateInput, ScanTemplatePage } from "../scan/scan.type";
import type { TemplateService } from "./template.service";

type Context = RequestContext & { templates: TemplateService };

@Resolver(() => ScanTemplate)
export class TemplateResolver {
  @Query(() => ScanTemplatePage, { description: "Scan templates by name. Needs discovery:read." })
  scanTemplates(@Ctx() ctx: Context, @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput): Promise<ScanTemplatePage> {
    return ctx.templates.list(ctx, pagination);
  }

  @Query(() => ScanTemplate, { nullable: true, description: "Needs discovery:read." })
  scanTemplate(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<ScanTemplate | null> {
    return ctx.templates.get(ctx, id);
  }

  @FieldResolver(() => [GraphQLISODateTime], { description: "The schedule's next instants (none without a cron expression or when disabled)." })
  nextRuns(@Ctx() ctx: Context, @Root() template: ScanTemplate, @Arg("count", () => Int, { defaultValue: 5 }) count: number): Date[] {
    return ctx.templates.nextRuns(template, count);
  }

  @Mutation(() => ScanTemplate, { description: "Saves a scan definition (checked as startScan's input) with an optional cron schedule. Needs discovery:write." })
  createScanTemplate(@Ctx() ctx: Context, @Arg("input", () => ScanTemplateInput) input: ScanTemplateInput): Promise<ScanTemplate> {
    return ctx.templates.create(ctx, input);
  }

  @Mutation(() => ScanTemplate, { description: "Replaces a template's definition and schedule. Needs discovery:write." })
  updateScanTemplate(@Ctx() ctx: Context, @Arg("id", () => ID) id: string, @Arg("input", () => ScanTemplateInput) input: ScanTemplateInput): Promise<ScanTemplate> {
    return ctx.templates.update(ctx, id, input);
  }

  @Mutation(() => ScanTemplate, { description: "Turns a template's schedule on or off. Needs discovery:write." })
  setScanTemplateEnabled(@Ctx() ctx: Context, @Arg("id", () => ID) id: string, @Arg("enabled") enabled: boolean): Promise<ScanTemplate> {
    return ctx.templates.setEnabled(ctx, id, enabled);
  }

  @Mutation(() => Boolean, { description: "Deletes a template and its schedule; its scans stay. Needs discovery:write." })
  deleteScanTemplate(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.templates.remove(ctx, id);
  }

  @Mutation(() => Scan, { description: "Starts a scan of the template now. Needs discovery:write." })
  startScanFromTemplate(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<Scan> {
    return ctx.templates.startNow(ctx, id);
  }
}
