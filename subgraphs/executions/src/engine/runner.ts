import { decrypt, parseKey, liveTopics, publishLive, type JobStep, type Logger } from "@opsconductor/kit";
import type { Redis } from "ioredis";
import type { PrismaClient } from "../generated/prisma/client";
import type { BundleLoader } from "./bundles";
import type { Claimed, Orphan, TargetOutcome } from "./engine";
import { ConnectError, connectSsh, isLocalTarget, LocalSession, orphanKillCommand, sshLoginOf, stepArgv, type Session, type StepExit, type StopReason } from "./executor";
import { redact, StreamCapture } from "./output";
import { substitute } from "./placeholders";

export interface RunnerConfig {
  targetsUrl: string;
  serviceToken: string;
  secretsKey: string;
  keyPrefix: string;
  outputLimitBytes: number;
  connectTimeoutMs: number;
  /** Whether the built-in `localhost` target may run steps on the worker's host (LOCAL_TARGET_EXECUTION). */
  localTarget: boolean;
}

export interface AttemptOutcome {
  status: TargetOutcome;
  exitCode: number | null;
  error: string | null;
}

/** The AAD binding a run's sealed SECRET values to that run. */
export const secretsAad = (runId: string) => `run:${runId}`;

export function openSecrets(sealed: string | null, key: string, runId: string): Record<string, string> {
  if (!sealed) return {};
  return JSON.parse(decrypt(sealed, parseKey(key), secretsAad(runId))) as Record<string, string>;
}

const FLUSH_MS = 100;
const FLUSH_BYTES = 16 * 1024;

/**
 * Executes one claimed attempt on one target: fetches the connection bundle from targets now (never
 * stored), connects, runs the steps in order with placeholders substituted, records each step's
 * result and streams its output (SECRET values redacted before anything is stored or published).
 * `signal` aborts with "cancel" or "timeout" (the target's overall limit).
 */
export async function runAttempt(
  claimed: Claimed,
  deps: { prisma: PrismaClient; redis: () => Redis; config: RunnerConfig; bundles: BundleLoader; logger: Logger },
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const { run, target } = claimed;
  const { config } = deps;
  const steps = run.steps as JobStep[];
  let secrets: Record<string, string>;
  try {
    secrets = openSecrets(run.secretsEncrypted, config.secretsKey, run.id);
  } catch {
    return { status: "FAILED", exitCode: null, error: "the run's SECRET parameters could not be opened" };
  }
  const secretValues = Object.values(secrets);
  const parameters = { ...(run.parameters as Record<string, string>), ...secrets };

  let session: Session;
  try {
    session = await openSession(target.targetId, config, deps.bundles);
  } catch (error) {
    const message = error instanceof ConnectError ? error.message : `could not reach the target: ${(error as Error).message}`;
    return { status: "FAILED", exitCode: null, error: redact(message, secretValues) };
  }

  let last: AttemptOutcome = { status: "SUCCEEDED", exitCode: 0, error: null };
  try {
    for (const [index, step] of steps.entries()) {
      if (signal.aborted) return stoppedOutcome(signal.reason as StopReason, null);
      const content = substitute(step.content, {
        parameters,
        target: { name: target.targetName, address: target.targetAddress },
        run: { id: run.id, number: run.number },
      });
      const result = await runStep(claimed, index, step, content, session, secretValues, deps, signal);
      if (result.stopped) return stoppedOutcome(result.stopped, result.exitCode, step.name);
      if (result.exitCode === 0) {
        last = { status: "SUCCEEDED", exitCode: 0, error: null };
        continue;
      }
      const failure: AttemptOutcome = { status: "FAILED", exitCode: result.exitCode, error: `step "${step.name}" exited with ${result.exitCode ?? "no status"}` };
      if (!step.continueOnError) return failure;
      last = { status: "SUCCEEDED", exitCode: result.exitCode, error: null };
    }
    return last;
  } finally {
    session.close();
  }
}

/**
 * A session on a target: its connection bundle is fetched from targets now (never stored), then SSH,
 * or the LOCAL executor for the built-in `localhost` target.
 */
export async function openSession(targetId: string, config: RunnerConfig, bundles: BundleLoader): Promise<Session> {
  const bundle = await bundles.load(targetId);
  if (!isLocalTarget(bundle)) return connectSsh(sshLoginOf(bundle, config.connectTimeoutMs));
  if (!config.localTarget) {
    throw new ConnectError(
      "the built-in localhost target is disabled: its steps would run on the platform's own host (an administrator enables it with LOCAL_TARGET_EXECUTION=enabled on the executions workers)",
    );
  }
  return new LocalSession();
}

/**
 * Kills the process groups an attempt lost to a dead worker left running on its target (closing the
 * dead worker's SSH connection does not stop them). Best effort: an unreachable target is logged.
 */
export async function killOrphans(orphan: Orphan, config: RunnerConfig, bundles: BundleLoader, logger: Logger): Promise<void> {
  if (!orphan.pgids.length) return;
  let session: Session | undefined;
  try {
    session = await openSession(orphan.targetId, config, bundles);
    for (const pgid of orphan.pgids) {
      await session.runQuiet(orphanKillCommand(pgid, { OPSC_RUN_ID: orphan.runId, OPSC_ATTEMPT: String(orphan.attempt) }), 10_000);
    }
    logger.info("killed the processes a lost attempt left on its target", { runId: orphan.runId, targetId: orphan.targetId, attempt: orphan.attempt, groups: orphan.pgids.length });
  } catch (error) {
    logger.warn("could not kill the processes a lost attempt left on its target", { runId: orphan.runId, targetId: orphan.targetId, error: (error as Error).message });
  } finally {
    session?.close();
  }
}

function stoppedOutcome(reason: StopReason, exitCode: number | null, stepName?: string): AttemptOutcome {
  return reason === "timeout"
    ? { status: "TIMED_OUT", exitCode, error: stepName ? `step "${stepName}" timed out` : "timed out" }
    : { status: "CANCELLED", exitCode, error: "cancelled" };
}

async function runStep(
  claimed: Claimed,
  index: number,
  step: JobStep,
  content: string,
  session: Session,
  secretValues: string[],
  deps: { prisma: PrismaClient; redis: () => Redis; config: RunnerConfig; logger: Logger },
  targetSignal: AbortSignal,
): Promise<StepExit> {
  const { run, target } = claimed;
  const { prisma, config } = deps;
  const started = new Date();
  // The step's row is written once its process group is known (RUNNING, with the group the orphan
  // reaper needs should this worker die), else at its end: one write less per step than writing it
  // before the start as well.
  const key = { runId: run.id, runTargetId: target.id, stepIndex: index, stepName: step.name, attempt: target.attempt, startedAt: started };
  let stored: string | undefined;
  const captures = { STDOUT: new StreamCapture(secretValues, config.outputLimitBytes), STDERR: new StreamCapture(secretValues, config.outputLimitBytes) };
  // Output goes out in order: one chain of writes per attempt; text is batched for up to FLUSH_MS.
  const pending = { STDOUT: "", STDERR: "" };
  let chain = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    for (const stream of ["STDOUT", "STDERR"] as const) {
      const data = pending[stream];
      if (!data) continue;
      pending[stream] = "";
      chain = chain.then(() => storeChunk(deps, claimed, index, stream, data)).catch((error: Error) => deps.logger.warn("could not store output", { error: error.message }));
    }
  };
  const collect = (stream: "STDOUT" | "STDERR", text: string) => {
    if (!text) return;
    pending[stream] += text;
    if (pending[stream].length >= FLUSH_BYTES) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };

  // The step's own limit and the target's (cancel or overall timeout) both stop it.
  const controller = new AbortController();
  const onTarget = () => controller.abort(targetSignal.reason);
  if (targetSignal.aborted) onTarget();
  else targetSignal.addEventListener("abort", onTarget, { once: true });
  const stepTimer = setTimeout(() => controller.abort("timeout"), step.timeoutSeconds * 1000);
  const { argv, stdin } = stepArgv(step, content);
  let exit: StepExit;
  try {
    exit = await session.runStep({
      argv,
      stdin,
      env: { OPSC_RUN_ID: run.id, OPSC_RUN_NUMBER: String(run.number), OPSC_ATTEMPT: String(target.attempt) },
      onStdout: (data) => collect("STDOUT", captures.STDOUT.write(data)),
      onStderr: (data) => collect("STDERR", captures.STDERR.write(data)),
      onStarted: (pgid) => {
        chain = chain
          .then(async () => {
            stored = (await prisma.stepResult.create({ data: { ...key, status: "RUNNING", remotePgid: pgid }, select: { id: true } })).id;
          })
          .catch((error: Error) => deps.logger.warn("could not record the step's process group", { error: error.message }));
      },
      signal: controller.signal,
    });
  } catch (error) {
    exit = { exitCode: null };
    collect("STDERR", captures.STDERR.write(Buffer.from(`could not start the step: ${(error as Error).message}\n`)));
  } finally {
    clearTimeout(stepTimer);
    targetSignal.removeEventListener("abort", onTarget);
  }
  collect("STDOUT", captures.STDOUT.end());
  collect("STDERR", captures.STDERR.end());
  flush();
  await chain;
  const finished = new Date();
  const status = exit.stopped === "timeout" ? "TIMED_OUT" : exit.stopped === "cancel" ? "CANCELLED" : exit.exitCode === 0 ? "SUCCEEDED" : "FAILED";
  const ended = {
    status,
    exitCode: exit.exitCode,
    stdout: captures.STDOUT.text(),
    stderr: captures.STDERR.text(),
    stdoutTruncated: captures.STDOUT.truncated,
    stderrTruncated: captures.STDERR.truncated,
    error: exit.stopped === "timeout" ? `timed out after ${step.timeoutSeconds} s` : exit.stopped === "cancel" ? "cancelled" : null,
    finishedAt: finished,
    durationMs: finished.getTime() - started.getTime(),
  } as const;
  if (stored) await prisma.stepResult.update({ where: { id: stored }, data: ended });
  else await prisma.stepResult.create({ data: { ...key, ...ended }, select: { id: true } });
  return exit;
}

async function storeChunk(
  deps: { prisma: PrismaClient; redis: () => Redis; config: RunnerConfig; logger: Logger },
  claimed: Claimed,
  stepIndex: number,
  stream: "STDOUT" | "STDERR",
  data: string,
): Promise<void> {
  const chunk = await deps.prisma.runOutputChunk.create({
    data: { runId: claimed.run.id, runTargetId: claimed.target.id, targetId: claimed.target.targetId, stepIndex, attempt: claimed.target.attempt, stream, data },
    select: { id: true },
  });
  await publishLive(deps.redis(), deps.config.keyPrefix, liveTopics.runOutput.channel({ runId: claimed.run.id }), {
    __typename: "RunOutputChunk",
    id: chunk.id,
    targetId: claimed.target.targetId,
  });
}
