-- One PostgreSQL server, one database per service (run once, when the volume is new).
CREATE DATABASE auth_db;
CREATE DATABASE user_db;
CREATE DATABASE targets_db;
