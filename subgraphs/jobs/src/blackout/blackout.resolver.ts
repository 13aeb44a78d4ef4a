import { crud, CrudResolver } from "@opsconductor/kit/subgraph";
import type { JobsContext } from "../context";
import { BlackoutWindowInput } from "../schedule/schedule.type";
import { GlobalBlackoutWindow } from "./blackout.type";

@CrudResolver(() => GlobalBlackoutWindow, (ctx: JobsContext) => ctx.blackouts, {
  globalBlackoutWindows: crud.list(() => [GlobalBlackoutWindow], "Blackout windows that apply to every schedule, oldest first; needs jobs:read.", {}),
  createGlobalBlackoutWindow: crud.create(() => BlackoutWindowInput, "A blackout window for every schedule (at most 50); needs system:write."),
  deleteGlobalBlackoutWindow: crud.remove("Removes a global blackout window; needs system:write."),
})
export class GlobalBlackoutResolver {}
