-- AlterTable
ALTER TABLE "step_results" ADD COLUMN     "remote_pgid" INTEGER;
