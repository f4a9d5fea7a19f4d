#!/bin/sh
# Runs once, when the postgres container initialises its data directory: creates the role the
# server's pool logs in as (DATABASE_URL). It owns nothing; the server's start-up migrations
# run as the owner (DATABASE_MIGRATION_URL = POSTGRES_USER) and grant it what it may do, so it
# can never rewrite the audit trail.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v role="$APP_DB_USER" -v password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
SQL
