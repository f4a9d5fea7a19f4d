import { createHmac } from 'node:crypto';
import { Client } from 'pg';

/**
 * Two database roles. The owner (the role of `DATABASE_MIGRATION_URL`) owns the schema and
 * runs the migrations; the runtime role (the role of `DATABASE_URL`, the pool's) only reads and
 * writes rows. On `audit_events` the runtime role may only INSERT and SELECT, and since it is
 * not the table's owner (nor a member of the owner's role) it can neither disable nor drop the
 * triggers that keep the trail append-only: a compromised server cannot rewrite history.
 */

/** The runtime role the embedded PostgreSQL and the tests create. */
export const APPLICATION_ROLE = 'lc_workflow_app';

/** A password for the application role, derived from the owner's secret (kept nowhere else). */
export function applicationRolePassword(ownerSecret: string): string {
  return createHmac('sha256', ownerSecret).update(APPLICATION_ROLE).digest('base64url');
}

/** `url` with another user and password. */
export function urlWithCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** The user name in a connection URL. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

/**
 * Creates the runtime role (LOGIN, no other attribute, member of nothing) once per cluster, and
 * sets its password. Concurrent calls are harmless.
 */
export async function ensureApplicationRole(adminUrl: string, password: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DO $$ BEGIN
        CREATE ROLE ${APPLICATION_ROLE} LOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    const { rows } = await client.query<{ sql: string }>(
      `SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L', $1::text, $2::text) AS sql`,
      [APPLICATION_ROLE, password],
    );
    await client.query(rows[0].sql);
  } finally {
    await client.end();
  }
}

/** Runs SQL as the owner (a TypeORM DataSource or query runner, or a pg client). */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * What the runtime role may do, granted by the owner after the migrations: rows of every table,
 * except the audit trail (INSERT and SELECT only) and the migration bookkeeping (SELECT only).
 */
export async function grantRuntimePrivileges(owner: Queryable, runtimeRole: string): Promise<void> {
  const [{ sql }] = (await owner.query(
    `SELECT format($f$
        GRANT USAGE ON SCHEMA public TO %1$I;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %1$I;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %1$I;
        REVOKE ALL ON audit_events, migrations, typeorm_metadata FROM %1$I;
        GRANT SELECT, INSERT ON audit_events TO %1$I;
        GRANT SELECT ON migrations, typeorm_metadata TO %1$I;
      $f$, $1::text) AS sql`,
    [runtimeRole],
  )) as { sql: string }[];
  await owner.query(sql);
}

/**
 * Whether the current role could rewrite the audit trail (it owns `audit_events`, is a member
 * of its owner's role, or is a superuser): true when the server runs with one role only.
 */
export async function canTamperWithAudit(runtime: Queryable): Promise<boolean> {
  const [{ tamper }] = (await runtime.query(
    `SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
         OR pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                        WHERE schemaname = 'public' AND tablename = 'audit_events'),
                        'MEMBER') AS tamper`,
  )) as { tamper: boolean }[];
  return tamper;
}
