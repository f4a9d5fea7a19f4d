import type { MigrationInterface, QueryRunner } from 'typeorm';

/** System settings (key → JSON value). Known keys are seeded by the server at start-up. */
export class Settings1764460800000 implements MigrationInterface {
  name = 'Settings1764460800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE settings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key varchar(100) NOT NULL,
        value jsonb NOT NULL,
        category varchar(50) NOT NULL DEFAULT 'general',
        description text,
        is_public boolean NOT NULL DEFAULT false,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT settings_key_unique UNIQUE (key)
      )`);
    await db.query(`CREATE INDEX settings_category_idx ON settings (category, key)`);
    await db.query(`CREATE INDEX settings_created_by_idx ON settings (created_by)`);
    await db.query(`CREATE INDEX settings_updated_by_idx ON settings (updated_by)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE settings`);
  }
}
