import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Folders (issue 11 item 9):
 * - the three folders every application gets may be renamed but never deleted: once renamed,
 *   only a flag still tells them apart. Existing default folders (root folders of an
 *   application bearing one of the default names) are flagged;
 * - sibling names are unique ignoring case in every script: under the database's C collation
 *   `lower()` folds ASCII only ("CAFÉ" and "café" would both be accepted), so the index folds
 *   with the ICU root locale instead.
 */
export class DefaultFolders1764922800000 implements MigrationInterface {
  name = 'DefaultFolders1764922800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE folders ADD COLUMN is_default boolean NOT NULL DEFAULT false`);
    await db.query(`
      UPDATE folders SET is_default = true
       WHERE application_id IS NOT NULL AND parent_id IS NULL
         AND name IN ('borrower-documents', 'guarantor-documents', 'collateral-documents')`);
    await db.query(`DROP INDEX folders_sibling_name_key`);
    await db.query(`
      CREATE UNIQUE INDEX folders_sibling_name_key ON folders (
        coalesce(application_id, '00000000-0000-0000-0000-000000000000'::uuid),
        coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid),
        lower(name COLLATE "und-x-icu"))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX folders_sibling_name_key`);
    await db.query(`
      CREATE UNIQUE INDEX folders_sibling_name_key ON folders (
        coalesce(application_id, '00000000-0000-0000-0000-000000000000'::uuid),
        coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid),
        lower(name))`);
    await db.query(`ALTER TABLE folders DROP COLUMN is_default`);
  }
}
