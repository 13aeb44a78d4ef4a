-- CreateEnum
CREATE TYPE "health_status" AS ENUM ('HEALTHY', 'WARNING', 'CRITICAL', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "credential_type" AS ENUM ('PASSWORD', 'SSH_KEY', 'SNMP_COMMUNITY', 'SNMP_V3', 'API_TOKEN');

-- CreateEnum
CREATE TYPE "connection_method_type" AS ENUM ('SSH', 'WINRM', 'SNMP', 'HTTP', 'TELNET');

-- CreateEnum
CREATE TYPE "error_category" AS ENUM ('DNS', 'REFUSED', 'TIMEOUT', 'AUTH_FAILED', 'HOST_KEY_MISMATCH', 'DECRYPTION_FAILED', 'PROTOCOL', 'UNREACHABLE', 'CONFIG');

-- AlterTable
ALTER TABLE "targets" ADD COLUMN     "device_type_id" UUID,
ADD COLUMN     "health_status" "health_status" NOT NULL DEFAULT 'UNKNOWN',
ADD COLUMN     "last_checked_at" TIMESTAMP(3),
ADD COLUMN     "serial" SERIAL NOT NULL;

-- CreateTable
CREATE TABLE "encryption_keys" (
    "version" INTEGER NOT NULL,
    "wrapped_key" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMP(3),

    CONSTRAINT "encryption_keys_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "credentials" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "type" "credential_type" NOT NULL,
    "username" TEXT,
    "description" TEXT,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "key_algorithm" TEXT,
    "public_key_fingerprint" TEXT,
    "last_used_at" TIMESTAMP(3),
    "created_by_id" UUID,
    "active" BOOLEAN DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credential_secrets" (
    "credential_id" UUID NOT NULL,
    "field" TEXT NOT NULL,
    "key_version" INTEGER NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "credential_secrets_pkey" PRIMARY KEY ("credential_id","field")
);

-- CreateTable
CREATE TABLE "connection_methods" (
    "id" UUID NOT NULL,
    "target_id" UUID NOT NULL,
    "type" "connection_method_type" NOT NULL,
    "port" INTEGER NOT NULL,
    "is_primary" BOOLEAN NOT NULL DEFAULT false,
    "credential_id" UUID,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "host_key_algorithm" TEXT,
    "host_key_fingerprint" TEXT,
    "pending_host_key_algorithm" TEXT,
    "pending_host_key_fingerprint" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "connection_methods_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_checks" (
    "id" UUID NOT NULL,
    "target_id" UUID NOT NULL,
    "method_id" UUID,
    "method_type" "connection_method_type",
    "batch_id" UUID,
    "ok" BOOLEAN NOT NULL,
    "latency_ms" INTEGER,
    "error_category" "error_category",
    "message" TEXT,
    "server_version" TEXT,
    "checked_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connection_checks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_test_batches" (
    "id" UUID NOT NULL,
    "total" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "ok" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "target_ids" UUID[],
    "created_by_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "connection_test_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_types" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "default_methods" JSONB NOT NULL DEFAULT '[]',
    "built_in" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "device_types_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "saved_groups" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "description" TEXT,
    "filter" JSONB NOT NULL,
    "created_by_id" UUID,
    "active" BOOLEAN DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "saved_groups_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "credentials_name_active_key" ON "credentials"("name_key", "active");

-- CreateIndex
CREATE INDEX "credential_secrets_key_version_idx" ON "credential_secrets"("key_version");

-- CreateIndex
CREATE INDEX "connection_methods_target_id_idx" ON "connection_methods"("target_id");

-- CreateIndex
CREATE INDEX "connection_methods_credential_id_idx" ON "connection_methods"("credential_id");

-- CreateIndex
CREATE INDEX "connection_checks_target_id_checked_at_idx" ON "connection_checks"("target_id", "checked_at");

-- CreateIndex
CREATE INDEX "connection_checks_batch_id_idx" ON "connection_checks"("batch_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_types_key_key" ON "device_types"("key");

-- CreateIndex
CREATE UNIQUE INDEX "saved_groups_name_active_key" ON "saved_groups"("name_key", "active");

-- CreateIndex
CREATE UNIQUE INDEX "targets_serial_key" ON "targets"("serial");

-- AddForeignKey
ALTER TABLE "targets" ADD CONSTRAINT "targets_device_type_id_fkey" FOREIGN KEY ("device_type_id") REFERENCES "device_types"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credential_secrets" ADD CONSTRAINT "credential_secrets_credential_id_fkey" FOREIGN KEY ("credential_id") REFERENCES "credentials"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_methods" ADD CONSTRAINT "connection_methods_target_id_fkey" FOREIGN KEY ("target_id") REFERENCES "targets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_methods" ADD CONSTRAINT "connection_methods_credential_id_fkey" FOREIGN KEY ("credential_id") REFERENCES "credentials"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_checks" ADD CONSTRAINT "connection_checks_target_id_fkey" FOREIGN KEY ("target_id") REFERENCES "targets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_checks" ADD CONSTRAINT "connection_checks_method_id_fkey" FOREIGN KEY ("method_id") REFERENCES "connection_methods"("id") ON DELETE SET NULL ON UPDATE CASCADE;
