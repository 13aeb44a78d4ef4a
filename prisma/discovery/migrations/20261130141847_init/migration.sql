-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "scan_status" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "host_discovery" AS ENUM ('TCP_PING', 'NONE');

-- CreateEnum
CREATE TYPE "discovered_host_status" AS ENUM ('NEW', 'IMPORTED', 'IGNORED');

-- CreateTable
CREATE TABLE "scans" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "scan_status" NOT NULL DEFAULT 'QUEUED',
    "ranges" TEXT[],
    "ranges_key" TEXT NOT NULL,
    "exclude" TEXT[],
    "port_spec" TEXT NOT NULL,
    "ports" INTEGER[],
    "host_discovery" "host_discovery" NOT NULL,
    "timeout_ms" INTEGER NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "rate_limit" INTEGER,
    "hosts_total" INTEGER NOT NULL,
    "hosts_done" INTEGER NOT NULL DEFAULT 0,
    "hosts_up" INTEGER NOT NULL DEFAULT 0,
    "ports_probed" BIGINT NOT NULL DEFAULT 0,
    "open_ports" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "cancel_requested_at" TIMESTAMP(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "scans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "discovered_hosts" (
    "id" UUID NOT NULL,
    "scan_id" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "hostname" TEXT,
    "status" "discovered_host_status" NOT NULL DEFAULT 'NEW',
    "os_family" TEXT NOT NULL,
    "os_confidence" DOUBLE PRECISION NOT NULL,
    "device_type_key" TEXT,
    "suggested_methods" JSONB NOT NULL,
    "imported_target_id" UUID,
    "first_seen_at" TIMESTAMP(3) NOT NULL,
    "last_seen_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "discovered_hosts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "discovered_ports" (
    "id" UUID NOT NULL,
    "host_id" UUID NOT NULL,
    "port" INTEGER NOT NULL,
    "service" TEXT,
    "banner" TEXT,
    "http_server" TEXT,
    "http_title" TEXT,
    "tls_subject" TEXT,
    "tls_issuer" TEXT,
    "tls_expires_at" TIMESTAMP(3),
    "rtt_ms" DOUBLE PRECISION,

    CONSTRAINT "discovered_ports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scans_ranges_key_created_at_idx" ON "scans"("ranges_key", "created_at");

-- CreateIndex
CREATE INDEX "discovered_hosts_address_idx" ON "discovered_hosts"("address");

-- CreateIndex
CREATE UNIQUE INDEX "discovered_hosts_scan_id_address_key" ON "discovered_hosts"("scan_id", "address");

-- CreateIndex
CREATE UNIQUE INDEX "discovered_ports_host_id_port_key" ON "discovered_ports"("host_id", "port");

-- AddForeignKey
ALTER TABLE "discovered_hosts" ADD CONSTRAINT "discovered_hosts_scan_id_fkey" FOREIGN KEY ("scan_id") REFERENCES "scans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discovered_ports" ADD CONSTRAINT "discovered_ports_host_id_fkey" FOREIGN KEY ("host_id") REFERENCES "discovered_hosts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
