-- AlterTable
ALTER TABLE "credentials" DROP COLUMN "failed_attempts",
DROP COLUMN "locked_until";
