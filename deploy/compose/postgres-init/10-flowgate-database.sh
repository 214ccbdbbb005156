#!/bin/sh
# First start of the PostgreSQL container only (docker-entrypoint-initdb.d): Flowgate gets its own
# role and database, separate from Temporal's `temporal` and `temporal_visibility` databases
# (which temporalio/auto-setup creates).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v fg_password="$FLOWGATE_DB_PASSWORD" <<'SQL'
CREATE ROLE flowgate LOGIN PASSWORD :'fg_password';
CREATE DATABASE flowgate OWNER flowgate;
SQL
