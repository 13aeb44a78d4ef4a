import { crud, CrudResolver, type RequestContext } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, GraphQLISODateTime, Int, Root } from "type-graphql";
import { Scan, ScanTemplate, ScanTemplateInput, ScanTemplatePage } from "../scan/scan.type";
import type { TemplateService } from "./template.service";

type Context = RequestContext & { templates: TemplateService };

@CrudResolver(() => ScanTemplate, (ctx: Context) => ctx.templates, {
  scanTemplates: crud.list(() => ScanTemplatePage, "Scan templates by name. Needs discovery:read."),
  scanTemplate: crud.get("Needs discovery:read."),
  createScanTemplate: crud.create(() => ScanTemplateInput, "Saves a scan definition (checked as startScan's input) with an optional cron schedule. Needs discovery:write."),
  updateScanTemplate: crud.update(() => ScanTemplateInput, "Replaces a template's definition and schedule. Needs discovery:write."),
  setScanTemplateEnabled: crud.setEnabled("Turns a template's schedule on or off. Needs discovery:write."),
  deleteScanTemplate: crud.remove("Deletes a template and its schedule; its scans stay. Needs discovery:write.", (templates, ctx, id) => templates.remove(ctx, id)),
  startScanFromTemplate: crud.byId("Starts a scan of the template now. Needs discovery:write.", (templates, ctx, id) => templates.startNow(ctx, id), () => Scan),
})
export class TemplateResolver {
  @FieldResolver(() => [GraphQLISODateTime], { description: "The schedule's next instants (none without a cron expression or when disabled)." })
  nextRuns(@Ctx() ctx: Context, @Root() template: ScanTemplate, @Arg("count", () => Int, { defaultValue: 5 }) count: number): Date[] {
    return ctx.templates.nextRuns(template, count);
  }
}
