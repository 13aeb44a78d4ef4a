-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'PARTIAL', 'CANCELLED', 'TIMED_OUT');

-- CreateEnum
CREATE TYPE "RunTrigger" AS ENUM ('MANUAL', 'SCHEDULE', 'API');

-- CreateEnum
CREATE TYPE "TargetStatus" AS ENUM ('PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'SKIPPED');

-- CreateEnum
CREATE TYPE "StepStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT');

-- CreateEnum
CREATE TYPE "OutputStream" AS ENUM ('STDOUT', 'STDERR');

-- DropTable
DROP TABLE "executions_items";

-- CreateTable
CREATE TABLE "runs" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "job_name" TEXT NOT NULL,
    "job_version" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "trigger" "RunTrigger" NOT NULL,
    "triggered_by_id" UUID,
    "schedule_id" UUID,
    "rerun_of_id" UUID,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "steps" JSONB NOT NULL,
    "options" JSONB NOT NULL,
    "parameters" JSONB NOT NULL,
    "secrets_encrypted" TEXT,
    "idempotency_key" TEXT,
    "total_targets" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "cancel_requested_at" TIMESTAMP(3),

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_targets" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "target_id" UUID NOT NULL,
    "target_name" TEXT NOT NULL,
    "target_address" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "status" "TargetStatus" NOT NULL DEFAULT 'PENDING',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "exit_code" INTEGER,
    "error" TEXT,
    "queued_at" TIMESTAMP(3),
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "heartbeat_at" TIMESTAMP(3),

    CONSTRAINT "run_targets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "step_results" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "run_target_id" UUID NOT NULL,
    "step_index" INTEGER NOT NULL,
    "step_name" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" "StepStatus" NOT NULL,
    "exit_code" INTEGER,
    "stdout" TEXT NOT NULL DEFAULT '',
    "stderr" TEXT NOT NULL DEFAULT '',
    "stdout_truncated" BOOLEAN NOT NULL DEFAULT false,
    "stderr_truncated" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),
    "duration_ms" INTEGER,

    CONSTRAINT "step_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_output_chunks" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "run_target_id" UUID NOT NULL,
    "target_id" UUID NOT NULL,
    "step_index" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "stream" "OutputStream" NOT NULL,
    "data" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_output_chunks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "runs_idempotency_key_key" ON "runs"("idempotency_key");

-- CreateIndex
CREATE INDEX "runs_created_at_idx" ON "runs"("created_at");

-- CreateIndex
CREATE INDEX "runs_status_idx" ON "runs"("status");

-- CreateIndex
CREATE UNIQUE INDEX "runs_job_id_number_key" ON "runs"("job_id", "number");

-- CreateIndex
CREATE INDEX "run_targets_run_id_status_idx" ON "run_targets"("run_id", "status");

-- CreateIndex
CREATE INDEX "run_targets_status_heartbeat_at_idx" ON "run_targets"("status", "heartbeat_at");

-- CreateIndex
CREATE UNIQUE INDEX "run_targets_run_id_target_id_key" ON "run_targets"("run_id", "target_id");

-- CreateIndex
CREATE UNIQUE INDEX "step_results_run_target_id_step_index_attempt_key" ON "step_results"("run_target_id", "step_index", "attempt");

-- CreateIndex
CREATE INDEX "run_output_chunks_run_id_seq_idx" ON "run_output_chunks"("run_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "run_output_chunks_seq_key" ON "run_output_chunks"("seq");

-- AddForeignKey
ALTER TABLE "run_targets" ADD CONSTRAINT "run_targets_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "step_results" ADD CONSTRAINT "step_results_run_target_id_fkey" FOREIGN KEY ("run_target_id") REFERENCES "run_targets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
