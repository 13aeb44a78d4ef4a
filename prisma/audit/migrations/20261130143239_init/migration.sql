-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "audit_events" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "actor_user_id" TEXT,
    "actor_username" TEXT,
    "actor_ip" TEXT,
    "actor_user_agent" TEXT,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "request_id" TEXT,
    "details" JSONB NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "id" BIGSERIAL NOT NULL,
    "purged_through_seq" BIGINT NOT NULL,
    "last_hash" TEXT NOT NULL,
    "purged_count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_id_key" ON "audit_events"("id");

-- CreateIndex
CREATE INDEX "audit_events_occurred_at_idx" ON "audit_events"("occurred_at");

-- CreateIndex
CREATE INDEX "audit_events_action_idx" ON "audit_events"("action");

-- CreateIndex
CREATE INDEX "audit_events_actor_username_idx" ON "audit_events"("actor_username");

-- CreateIndex
CREATE INDEX "audit_events_resource_type_resource_id_idx" ON "audit_events"("resource_type", "resource_id");

-- Function bodies are E-strings with \073 for each semicolon: Prisma applies a migration statement by
-- statement, splitting on every semicolon (quotes and dollar-quoting included).

-- Append-only, enforced by the database (not by Prisma): UPDATE, DELETE and TRUNCATE of audit rows are
-- refused for every role, the one exception is audit_purge() below (retention), which deletes a prefix
-- of the chain and records a checkpoint so what remains still verifies.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''DELETE'' AND current_setting(''opsconductor.audit_purge'', true) = ''on'' THEN
    RETURN OLD\073
  END IF\073
  RAISE EXCEPTION ''audit_events is append-only: % refused'', TG_OP USING ERRCODE = ''insufficient_privilege''\073
END
';
CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_checkpoints_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_checkpoints" FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_checkpoints_no_truncate" BEFORE TRUNCATE ON "audit_checkpoints" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();

-- Retention: deletes the oldest rows (a prefix of the chain, up to the first row still within the
-- retention period) and checkpoints the last deleted row hash. SECURITY DEFINER: the service role
-- may run it but holds no DELETE privilege of its own.
CREATE FUNCTION "audit_purge"(retention_days integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS E'
DECLARE
  cutoff timestamptz := now() - make_interval(days => retention_days)\073
  through bigint\073
  last_hash text\073
  purged integer\073
BEGIN
  IF retention_days < 1 THEN
    RAISE EXCEPTION ''retention_days must be at least 1''\073
  END IF\073
  PERFORM pg_advisory_xact_lock(hashtext(''opsconductor.audit.chain''))\073
  SELECT min(seq) - 1 INTO through FROM audit_events WHERE occurred_at >= cutoff\073
  IF through IS NULL THEN
    SELECT max(seq) INTO through FROM audit_events\073
  END IF\073
  SELECT hash INTO last_hash FROM audit_events WHERE seq <= through ORDER BY seq DESC LIMIT 1\073
  IF last_hash IS NULL THEN
    RETURN 0\073
  END IF\073
  PERFORM set_config(''opsconductor.audit_purge'', ''on'', true)\073
  DELETE FROM audit_events WHERE seq <= through\073
  GET DIAGNOSTICS purged = ROW_COUNT\073
  PERFORM set_config(''opsconductor.audit_purge'', ''off'', true)\073
  INSERT INTO audit_checkpoints (purged_through_seq, last_hash, purged_count) VALUES (through, last_hash, purged)\073
  RETURN purged\073
END
';

-- The service role: SELECT and INSERT on the audit tables, nothing else (it runs as this role on
-- every connection, see subgraphs/audit/src/env.ts). Roles are cluster-wide: created once, granted per database.
DO E'
BEGIN
  CREATE ROLE "opsc_audit_app" NOLOGIN\073
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL\073
END
';
REVOKE ALL ON "audit_events", "audit_checkpoints" FROM PUBLIC;
-- CREATE on the schema: the kit creates its outbox and processed-event tables at start, owned by this role.
GRANT USAGE, CREATE ON SCHEMA public TO "opsc_audit_app";
GRANT SELECT, INSERT ON "audit_events" TO "opsc_audit_app";
GRANT SELECT ON "audit_checkpoints" TO "opsc_audit_app";
GRANT USAGE ON SEQUENCE "audit_events_seq_seq" TO "opsc_audit_app";
REVOKE ALL ON FUNCTION "audit_purge"(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "audit_purge"(integer) TO "opsc_audit_app";
