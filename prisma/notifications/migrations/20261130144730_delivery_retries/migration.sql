-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "retries" INTEGER NOT NULL DEFAULT 0;
