-- AlterEnum
ALTER TYPE "error_category" ADD VALUE 'INTERRUPTED';

-- AlterTable
ALTER TABLE "connection_test_batches" ADD COLUMN     "error" TEXT,
ADD COLUMN     "heartbeat_at" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "connection_test_batches_finished_at_idx" ON "connection_test_batches"("finished_at");
