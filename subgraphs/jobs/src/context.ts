import type { RequestContext } from "@opsconductor/kit/subgraph";
import type { GlobalBlackoutService } from "./blackout/blackout.service";
import type { JobService } from "./job/job.service";
import type { ScheduleService } from "./schedule/schedule.service";

export interface JobsServices {
  jobs: JobService;
  schedules: ScheduleService;
  blackouts: GlobalBlackoutService;
}

export interface JobsContext extends RequestContext, JobsServices {}
