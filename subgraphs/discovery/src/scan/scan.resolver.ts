import { crud, CrudResolver, PaginationInput, servedByGateway, type RequestContext } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, ID, Int, Mutation, Query, Root, Subscription } from "type-graphql";
import type { ScanService } from "./scan.service";
import { DiscoveredHostFilter, DiscoveredHostPage, ImportDefaultsInput, DiscoveryImportReport, Scan, ScanDiff, ScanPage, StartScanInput } from "./scan.type";

type Context = RequestContext & { scans: ScanService };

@CrudResolver(() => Scan, (ctx: Context) => ctx.scans, {
  scan: crud.get("Needs discovery:read."),
  scans: crud.list(() => ScanPage, "Scans, newest first (those a template's schedule fired, with templateId). Needs discovery:read.", { pagination: () => PaginationInput, templateId: () => ID }),
  cancelScan: crud.byId("Stops a queued or running scan (within 2 s); what it found so far stays. Needs discovery:write.", (scans, ctx, id) => scans.cancel(ctx, id)),
})
export class ScanResolver {
  @Query(() => DiscoveredHostPage, { description: "Hosts a scan found (with at least one open port). Needs discovery:read." })
  discoveredHosts(
    @Ctx() ctx: Context,
    @Arg("scanId", () => ID) scanId: string,
    @Arg("filter", () => DiscoveredHostFilter, { nullable: true }) filter?: DiscoveredHostFilter,
    @Arg("pagination", () => PaginationInput, { nullable: true }) pagination?: PaginationInput,
  ): Promise<DiscoveredHostPage> {
    return ctx.scans.hosts(ctx, scanId, filter, pagination);
  }

  @Query(() => ScanDiff, { description: "New and vanished hosts, opened and closed ports since the previous finished scan of the same ranges." })
  scanDiff(@Ctx() ctx: Context, @Arg("scanId", () => ID) scanId: string): Promise<ScanDiff> {
    return ctx.scans.diff(ctx, scanId);
  }

  @Mutation(() => Scan, { description: "Queues a scan for the discovery workers. Needs discovery:write." })
  startScan(@Ctx() ctx: Context, @Arg("input", () => StartScanInput) input: StartScanInput): Promise<Scan> {
    return ctx.scans.start(ctx, input);
  }

  @Mutation(() => DiscoveryImportReport, { description: "Creates targets for discovered hosts (discovery:write and targets:write)." })
  importDiscoveredHosts(
    @Ctx() ctx: Context,
    @Arg("ids", () => [ID]) ids: string[],
    @Arg("defaults", () => ImportDefaultsInput, { nullable: true }) defaults?: ImportDefaultsInput,
  ): Promise<DiscoveryImportReport> {
    return ctx.scans.importHosts(ctx, ids, defaults);
  }

  @Mutation(() => Int, { description: "Marks NEW discovered hosts IGNORED; returns how many changed. Needs discovery:write." })
  ignoreDiscoveredHosts(@Ctx() ctx: Context, @Arg("ids", () => [ID]) ids: string[]): Promise<number> {
    return ctx.scans.ignore(ctx, ids);
  }

  @Subscription(() => Scan, { subscribe: servedByGateway, description: "The scan each time its status or progress changes (results are written in batches). Needs discovery:read." })
  scanUpdated(@Root() scan: Scan, @Arg("scanId", () => ID) _scanId: string): Scan {
    return scan;
  }
}
