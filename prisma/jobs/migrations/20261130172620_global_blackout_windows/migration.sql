-- CreateTable
CREATE TABLE "global_blackout_windows" (
    "id" UUID NOT NULL,
    "window" JSONB NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "global_blackout_windows_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "global_blackout_windows_created_at_idx" ON "global_blackout_windows"("created_at");
