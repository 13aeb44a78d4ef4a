-- AlterTable
ALTER TABLE "scans" ADD COLUMN     "max_addresses" INTEGER,
ADD COLUMN     "run_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "scheduled_for" TIMESTAMP(3),
ADD COLUMN     "snmp_credential_id" UUID,
ADD COLUMN     "snmp_port" INTEGER NOT NULL DEFAULT 161,
ADD COLUMN     "template_id" UUID;

-- AlterTable
ALTER TABLE "discovered_hosts" ADD COLUMN     "snmp_sys_descr" TEXT,
ADD COLUMN     "snmp_sys_name" TEXT;

-- CreateTable
CREATE TABLE "scan_templates" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "ranges" TEXT[],
    "exclude" TEXT[],
    "port_spec" TEXT NOT NULL,
    "host_discovery" "host_discovery" NOT NULL,
    "timeout_ms" INTEGER,
    "concurrency" INTEGER,
    "rate_limit" INTEGER,
    "max_addresses" INTEGER,
    "snmp_credential_id" UUID,
    "snmp_port" INTEGER,
    "cron" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scan_templates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "scan_templates_name_key" ON "scan_templates"("name");

-- CreateIndex
CREATE UNIQUE INDEX "scans_template_id_scheduled_for_key" ON "scans"("template_id", "scheduled_for");

-- AddForeignKey
ALTER TABLE "scans" ADD CONSTRAINT "scans_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "scan_templates"("id") ON DELETE SET NULL ON UPDATE CASCADE;
