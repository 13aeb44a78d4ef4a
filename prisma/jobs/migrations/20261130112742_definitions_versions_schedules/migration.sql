-- CreateEnum
CREATE TYPE "schedule_kind" AS ENUM ('CRON', 'ONCE', 'INTERVAL');

-- CreateEnum
CREATE TYPE "occurrence_status" AS ENUM ('PENDING', 'STARTED', 'SKIPPED', 'FAILED');

-- DropTable
DROP TABLE "jobs_items";

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "description" TEXT,
    "is_template" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "steps" JSONB NOT NULL,
    "parameters" JSONB NOT NULL,
    "targets" JSONB NOT NULL,
    "options" JSONB NOT NULL,
    "cloned_from_id" UUID,
    "created_by_id" UUID,
    "active" BOOLEAN DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_versions" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "is_template" BOOLEAN NOT NULL,
    "steps" JSONB NOT NULL,
    "parameters" JSONB NOT NULL,
    "targets" JSONB NOT NULL,
    "options" JSONB NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schedules" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "kind" "schedule_kind" NOT NULL,
    "cron" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "run_at" TIMESTAMP(3),
    "interval_seconds" INTEGER,
    "anchor_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "start_at" TIMESTAMP(3),
    "end_at" TIMESTAMP(3),
    "max_runs" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "blackout_windows" JSONB NOT NULL DEFAULT '[]',
    "run_count" INTEGER NOT NULL DEFAULT 0,
    "finished_at" TIMESTAMP(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schedule_occurrences" (
    "id" UUID NOT NULL,
    "schedule_id" UUID NOT NULL,
    "scheduled_for" TIMESTAMP(3) NOT NULL,
    "status" "occurrence_status" NOT NULL,
    "run_id" TEXT,
    "run_number" INTEGER,
    "reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "schedule_occurrences_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "jobs_name_key_idx" ON "jobs"("name_key");

-- CreateIndex
CREATE INDEX "jobs_is_template_idx" ON "jobs"("is_template");

-- CreateIndex
CREATE UNIQUE INDEX "jobs_name_active_key" ON "jobs"("name_key", "active");

-- CreateIndex
CREATE UNIQUE INDEX "job_versions_job_id_version_key" ON "job_versions"("job_id", "version");

-- CreateIndex
CREATE INDEX "schedules_job_id_idx" ON "schedules"("job_id");

-- CreateIndex
CREATE UNIQUE INDEX "schedule_occurrences_schedule_id_scheduled_for_key" ON "schedule_occurrences"("schedule_id", "scheduled_for");

-- AddForeignKey
ALTER TABLE "job_versions" ADD CONSTRAINT "job_versions_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedule_occurrences" ADD CONSTRAINT "schedule_occurrences_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "schedules"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
