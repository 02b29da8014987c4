#!/bin/sh
# One-shot (temporalio/admin-tools): creates or upgrades Temporal's schema in PostgreSQL.
# Safe to run on every `docker compose up`: setup-schema -v 0.0 only initialises an empty database,
# update-schema applies the versions the database does not have yet.
set -eu
sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"; }
schema=/etc/temporal/schema/postgresql/v12
for db in temporal temporal_visibility; do
  dir="$schema/temporal/versioned"
  [ "$db" = temporal_visibility ] && dir="$schema/visibility/versioned"
  sql --db "$db" setup-schema -v 0.0 2>/dev/null || true
  sql --db "$db" update-schema -d "$dir"
done
echo "Temporal schema is up to date"
