import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TypeORM's own table `typeorm_metadata`, with the expressions of the generated columns of
 * Applications1764547200000. The schema is unchanged: only TypeORM reads this table, when it
 * compares the entities with the database (`migration:generate`). It fails without the table
 * once a generated column exists, and it takes a generated column's expression from here, not
 * from PostgreSQL; so each expression is written exactly as the entity declares it
 * (`asExpression`). TypeORM looks rows up by database name, as `current_database()` gives it.
 */
const GENERATED: [table: string, column: string, expression: string][] = [
  [
    'customers',
    'search_text',
    "coalesce(full_name_latin, '') || ' ' || coalesce(full_name_khmer, '') || ' ' || coalesce(phone, '')",
  ],
  [
    'customer_applications',
    'search_text',
    "coalesce(full_name_latin, '') || ' ' || coalesce(full_name_khmer, '') || ' ' || " +
      "coalesce(phone, '') || ' ' || coalesce(portfolio_officer_name, '')",
  ],
  [
    'customer_applications',
    'priority_rank',
    "CASE priority_level WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END",
  ],
];

export class TypeormMetadata1764633600000 implements MigrationInterface {
  name = 'TypeormMetadata1764633600000';

  async up(db: QueryRunner): Promise<void> {
    // The table as TypeORM creates it itself.
    await db.query(`
      CREATE TABLE IF NOT EXISTS typeorm_metadata (
        "type" varchar NOT NULL,
        "database" varchar,
        "schema" varchar,
        "table" varchar,
        "name" varchar,
        "value" text
      )`);
    await this.deleteRows(db);
    for (const [table, column, expression] of GENERATED) {
      await db.query(
        `INSERT INTO typeorm_metadata ("type", "database", "schema", "table", "name", "value")
         SELECT 'GENERATED_COLUMN', current_database(), n.nspname, $1::text, $2::text, $3::text
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.oid = $1::text::regclass`,
        [table, column, expression],
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await this.deleteRows(db);
    await db.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM typeorm_metadata) THEN DROP TABLE typeorm_metadata; END IF;
      END $$`);
  }

  private async deleteRows(db: QueryRunner): Promise<void> {
    for (const [table, column] of GENERATED) {
      await db.query(
        `DELETE FROM typeorm_metadata
          WHERE "type" = 'GENERATED_COLUMN' AND "database" = current_database()
            AND "table" = $1 AND "name" = $2`,
        [table, column],
      );
    }
  }
}
