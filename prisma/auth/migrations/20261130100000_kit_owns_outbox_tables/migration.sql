-- outbox_events and processed_events are now owned by the kit (packages/kit/src/outbox-tables.ts),
-- which creates them when a service starts. Existing tables are kept as they are.
SELECT 1;
