import { ADMIN_USER_ID, emitEvent, SYSTEM_ACTOR } from "@opsconductor/kit/subgraph";
import type { PrismaClient } from "./generated/prisma/client";
import type { CreateJobInput } from "./job/job.input";
import { jobEventSnapshot } from "./job/job.service";
import { ParameterType, ScriptInterpreter, StepType } from "./job/job.type";
import { validateCreate } from "./job/job.validation";

export const DEMO_JOBS: CreateJobInput[] = [
  {
    name: "Uptime and kernel",
    description: "Demo template: how long each target has been up, and its kernel.",
    isTemplate: true,
    steps: [
      { name: "Uptime", type: StepType.COMMAND, content: "uptime", timeoutSeconds: 30 },
      { name: "Kernel", type: StepType.COMMAND, content: "uname -a", timeoutSeconds: 30 },
    ],
    parameters: [],
    targets: { tags: ["web"] },
  },
  {
    name: "Disk usage",
    description: "Demo template: file systems fuller than a threshold.",
    isTemplate: true,
    steps: [
      {
        name: "Full file systems",
        type: StepType.SCRIPT,
        interpreter: ScriptInterpreter.SH,
        content: "df -P | awk -v t={{threshold}} 'NR>1 && $5+0 >= t { print; found=1 } END { exit 0 }'",
        timeoutSeconds: 60,
      },
    ],
    parameters: [{ name: "threshold", type: ParameterType.INT, description: "Percent used", defaultValue: "80", min: 1, max: 100 }],
  },
];

/**
 * Inserts each demo job (version 1, with its created event) whose name is free among live jobs;
 * changes nothing otherwise. Returns how many were inserted.
 */
export async function seedDemoJobs(prisma: PrismaClient): Promise<number> {
  return prisma.$transaction(async (tx) => {
    // Two set-ups running at once must not both see the name free.
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('jobs.seed'))");
    let inserted = 0;
    for (const input of DEMO_JOBS) {
      const definition = validateCreate(input);
      if (await tx.job.count({ where: { nameKey: definition.name.toLowerCase(), active: true } })) continue;
      const data = {
        name: definition.name,
        description: definition.description,
        isTemplate: definition.isTemplate,
        steps: definition.steps as object[],
        parameters: definition.parameters as object[],
        targets: definition.targets as object,
        options: definition.options as object,
        createdById: ADMIN_USER_ID,
      };
      const job = await tx.job.create({ data: { ...data, nameKey: definition.name.toLowerCase(), version: 1 } });
      await tx.jobVersion.create({ data: { ...data, jobId: job.id, version: 1 } });
      await emitEvent(tx, "jobs.job.created", { actor: SYSTEM_ACTOR, subject: { type: "Job", id: job.id }, data: { ...jobEventSnapshot(job.id, 1, definition), clonedFromId: null } });
      inserted += 1;
    }
    return inserted;
  });
}
