import type { DataSource, Migration } from 'typeorm';

// Any fixed number shared by every instance of this server; it names the lock.
const MIGRATION_LOCK_KEY = 7_402_115_001;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so that several
 * instances starting together apply each migration exactly once: the others wait, then
 * find nothing left to do.
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  /** Runs under the same lock after the migrations (e.g. the runtime role's grants). */
  afterMigrations?: () => Promise<void>,
): Promise<Migration[]> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    // Waiting for another instance's migrations may take longer than a statement may.
    await lockHolder.query('SET statement_timeout = 0');
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      await afterMigrations?.();
      return applied;
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lockHolder.release();
  }
}
