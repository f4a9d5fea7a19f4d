import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes of the lists (issue 12, docs/list-count-plans.md):
 * - `customer_applications_scope_idx`: the four columns of the scope (branch, department, owner,
 *   reviewer), so that the exact `total` of a scoped list (`count(*)` under `branch_id = $1 OR
 *   department_id = $2 OR user_id = $3 OR assigned_reviewer = $3`) is an index-only scan instead
 *   of a sequential scan of the table; then `status` and `priority_level`, the list's most used
 *   filter and the one without an index, so that their counts stay index-only too. All are key
 *   columns of few distinct values, so B-tree deduplication keeps it under 1 MB per 100,000
 *   rows (an INCLUDE would turn deduplication off: 10 MB, and slower);
 * - `*_sync_idx`: the sync order of `sort_by=updated_at` (updated_at to the millisecond, in
 *   UTC, then id; common/http/list-query.ts), for the two tables that grow: applications and
 *   customers. The other synced lists (users, departments, branches, positions) are small.
 * Plain CREATE INDEX (migrations run in a transaction): writes to the table wait while it builds,
 * about a second per 100,000 applications.
 */
export class ListIndexes1765000000000 implements MigrationInterface {
  name = 'ListIndexes1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX customer_applications_scope_idx ON customer_applications
        (branch_id, department_id, user_id, assigned_reviewer, status, priority_level)`);
    for (const table of ['customer_applications', 'customers']) {
      await db.query(`
        CREATE INDEX ${table}_sync_idx ON ${table}
          ((date_trunc('milliseconds', updated_at AT TIME ZONE 'UTC')), id)`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX customers_sync_idx`);
    await db.query(`DROP INDEX customer_applications_sync_idx`);
    await db.query(`DROP INDEX customer_applications_scope_idx`);
  }
}
