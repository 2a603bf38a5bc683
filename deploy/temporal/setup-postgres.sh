#!/bin/sh
# Create Temporal's two databases in PostgreSQL and bring their schemas to this server
# version (temporalio/admin-tools). Safe to run again: existing databases and schemas are kept
# and only updated.
set -eu
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
PORT=${DB_PORT:-5432}
SCHEMA=/etc/temporal/schema/postgresql/v12

echo "waiting for PostgreSQL at ${POSTGRES_SEEDS}:${PORT}"
until nc -z -w 5 "${POSTGRES_SEEDS}" "${PORT}"; do sleep 1; done

sql() { temporal-sql-tool --plugin postgres12 --ep "${POSTGRES_SEEDS}" -u "${POSTGRES_USER}" \
  -p "${PORT}" "$@"; }

for db in temporal temporal_visibility; do
  sql --db "$db" create 2>/dev/null || echo "database $db exists"
  sql --db "$db" setup-schema -v 0.0 2>/dev/null || echo "schema of $db exists"
done
sql --db temporal update-schema -d "${SCHEMA}/temporal/versioned"
sql --db temporal_visibility update-schema -d "${SCHEMA}/visibility/versioned"
echo "Temporal's schemas are up to date"
