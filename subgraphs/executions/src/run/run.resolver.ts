import { crud, CrudResolver, PaginationInput, servedByGateway, UserReference, userReference } from "@opsconductor/kit/subgraph";
import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { ExecutionsContext } from "../context";
import { ParameterValueInput, RunFilter, RunSort } from "./run.input";
import type { RunRow, RunTargetRow } from "./run.service";
import { JobReference, Run, RunCounts, RunOutputChunk, RunPage, RunParameter, RunTarget, StepResult, TargetReference } from "./run.type";

@CrudResolver(() => Run, (ctx: ExecutionsContext) => ctx.runs, {
  run: crud.get("A run by id; needs jobs:read."),
  runs: crud.list(() => RunPage, "Runs, newest first unless sorted otherwise; needs jobs:read.", { filter: () => RunFilter, pagination: () => PaginationInput, sort: () => RunSort }),
  cancelRun: crud.byId("Cancels a run: nothing new starts, running steps are killed on their targets; needs jobs:execute.", (runs, ctx, id) => runs.cancel(ctx, id)),
})
export class RunResolver {
  @Query(() => RunOutputChunk, { nullable: true, description: "One output chunk (what runOutput delivers); needs jobs:read." })
  runOutputChunk(@Ctx() ctx: ExecutionsContext, @Arg("id", () => ID) id: string) {
    return ctx.runs.chunk(ctx, id);
  }

  @Query(() => [RunOutputChunk], { description: "A run's stored output in order, to replay after (re)subscribing; needs jobs:read." })
  runOutputChunks(
    @Ctx() ctx: ExecutionsContext,
    @Arg("runId", () => ID) runId: string,
    @Arg("targetId", () => ID, { nullable: true }) targetId?: string,
    @Arg("afterSeq", () => Float, { nullable: true }) afterSeq?: number,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 500 }) limit?: number,
  ) {
    return ctx.runs.output(ctx, runId, targetId, afterSeq, limit);
  }

  @Mutation(() => Run, { description: "Runs a job (its latest version) now, on targetIds or the job's own selection; needs jobs:execute." })
  runJob(
    @Ctx() ctx: ExecutionsContext,
    @Arg("jobId", () => ID) jobId: string,
    @Arg("parameters", () => [ParameterValueInput], { nullable: true }) parameters?: ParameterValueInput[],
    @Arg("targetIds", () => [ID], { nullable: true }) targetIds?: string[],
  ) {
    return ctx.runs.runJob(ctx, jobId, parameters, targetIds);
  }

  @Mutation(() => Run, {
    description: "A new run of the same job version on only the targets that failed or timed out; SECRET parameters must be given again. Needs jobs:execute.",
  })
  rerunFailed(
    @Ctx() ctx: ExecutionsContext,
    @Arg("runId", () => ID) runId: string,
    @Arg("parameters", () => [ParameterValueInput], { nullable: true }) parameters?: ParameterValueInput[],
  ) {
    return ctx.runs.rerunFailed(ctx, runId, parameters);
  }

  @Subscription(() => Run, { subscribe: servedByGateway, description: "The run each time its status, counts or a target's state change." })
  runUpdated(@Root() run: Run, @Arg("runId", () => ID) _runId: string): Run {
    return run;
  }

  @Subscription(() => RunOutputChunk, { subscribe: servedByGateway, description: "A run's output as it arrives, in order; one target's with targetId." })
  runOutput(@Root() chunk: RunOutputChunk, @Arg("runId", () => ID) _runId: string, @Arg("targetId", () => ID, { nullable: true }) _targetId?: string): RunOutputChunk {
    return chunk;
  }

  @FieldResolver(() => JobReference, { description: "The job (resolved by the jobs subgraph)." })
  job(@Root() run: RunRow): JobReference {
    return { id: run.jobId };
  }

  @FieldResolver(() => UserReference, { nullable: true })
  triggeredBy(@Root() run: RunRow) {
    return userReference(run.triggeredById);
  }

  @FieldResolver(() => [RunParameter], { description: "Parameter values; SECRET ones masked." })
  parameters(@Root() run: RunRow): RunParameter[] {
    return Object.entries(run.parameters as Record<string, string>).map(([name, value]) => ({ name, value }));
  }

  @FieldResolver(() => RunCounts)
  counts(@Ctx() ctx: ExecutionsContext, @Root() run: RunRow) {
    return ctx.loaders.counts.load(run.id);
  }

  @FieldResolver(() => [RunTarget], { description: "Every target of the run, in selection order." })
  targets(@Ctx() ctx: ExecutionsContext, @Root() run: RunRow) {
    return ctx.loaders.targets.load(run.id);
  }

  @FieldResolver(() => Int, { nullable: true })
  durationMs(@Root() run: RunRow): number | null {
    return run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null;
  }
}

@Resolver(() => RunTarget)
export class RunTargetResolver {
  @FieldResolver(() => TargetReference, { description: "The target (resolved by the targets subgraph; null once deleted)." })
  target(@Root() row: RunTargetRow): TargetReference {
    return { id: row.targetId };
  }

  @FieldResolver(() => [StepResult], { description: "Step results of the current attempt, or of every attempt with allAttempts." })
  async steps(@Ctx() ctx: ExecutionsContext, @Root() row: RunTargetRow, @Arg("allAttempts", { nullable: true, defaultValue: false }) allAttempts: boolean) {
    const steps = await ctx.loaders.steps.load(row.id);
    return allAttempts ? steps : steps.filter((step) => step.attempt === row.attempt);
  }
}

@Resolver(() => RunOutputChunk)
export class RunOutputChunkResolver {
  @FieldResolver(() => TargetReference)
  target(@Root() chunk: { targetId: string }): TargetReference {
    return { id: chunk.targetId };
  }

  @FieldResolver(() => Float)
  seq(@Root() chunk: { seq: bigint | number }): number {
    return Number(chunk.seq);
  }
}

/** `_entities` for Run: null for an unknown id; the kit requires jobs:read first. */
export const resolveRunReference = (reference: { id: string }, ctx: ExecutionsContext) => ctx.loaders.run.load(reference.id);
