import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The three folders every application gets may be renamed but never deleted (issue 11 item 9):
 * once renamed, only a flag still tells them apart. Existing default folders (root folders of an
 * application bearing one of the default names) are flagged.
 */
export class DefaultFolders1764922800000 implements MigrationInterface {
  name = 'DefaultFolders1764922800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE folders ADD COLUMN is_default boolean NOT NULL DEFAULT false`);
    await db.query(`
      UPDATE folders SET is_default = true
       WHERE application_id IS NOT NULL AND parent_id IS NULL
         AND name IN ('borrower-documents', 'guarantor-documents', 'collateral-documents')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE folders DROP COLUMN is_default`);
  }
}
