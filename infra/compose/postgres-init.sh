#!/bin/sh
# Runs once, when the PostgreSQL volume is new: one role per system, each owning its databases.
# Temporal's schema is then set up by the temporal-schema job, Ratsweg's by the ratsweg-migrate job.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" -v ratsweg_password="$RATSWEG_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE ROLE ratsweg LOGIN PASSWORD :'ratsweg_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
CREATE DATABASE ratsweg OWNER ratsweg;
SQL
