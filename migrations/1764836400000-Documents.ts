import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The documents modules (issue 11):
 * - `upload_intents`: every object key the server is about to write or has handed out for a
 *   client to write, until its `files` row exists (or it is given up): a direct upload's key
 *   (written in its own transaction before the first byte goes to S3, removed in the
 *   transaction that writes the file row), a presigned PUT's key bound to its user, target and
 *   expiry, and a chunked upload's key with its S3 upload id. Whatever outlives its time loses
 *   its object (periodic sweep), so no object is ever orphaned.
 * - folder names are unique among siblings (same application and parent), ignoring case; the
 *   service stores them trimmed and NFC-normalised.
 */
export class Documents1764836400000 implements MigrationInterface {
  name = 'Documents1764836400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE upload_intents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        object_key varchar(1024) NOT NULL,
        kind varchar(20) NOT NULL,
        user_id uuid NOT NULL,
        application_id uuid,
        folder_id uuid,
        document_type varchar(50),
        original_filename varchar(255),
        expected_size bigint,
        s3_upload_id varchar(1024),
        part_size bigint,
        expires_at timestamptz,
        started_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT upload_intents_object_key_key UNIQUE (object_key),
        CONSTRAINT upload_intents_kind_check CHECK (kind IN ('direct', 'presigned', 'multipart')),
        CONSTRAINT upload_intents_expected_size_check CHECK (expected_size >= 0),
        CONSTRAINT upload_intents_user_id_fkey FOREIGN KEY (user_id)
          REFERENCES users(id) ON DELETE CASCADE,
        CONSTRAINT upload_intents_application_id_fkey FOREIGN KEY (application_id)
          REFERENCES customer_applications(id) ON DELETE CASCADE,
        CONSTRAINT upload_intents_folder_id_fkey FOREIGN KEY (folder_id)
          REFERENCES folders(id) ON DELETE SET NULL
      )`);
    await db.query(`CREATE INDEX upload_intents_user_id_idx ON upload_intents (user_id)`);
    await db.query(
      `CREATE INDEX upload_intents_application_id_idx ON upload_intents (application_id)`,
    );
    await db.query(`CREATE INDEX upload_intents_folder_id_idx ON upload_intents (folder_id)`);
    // The sweeps: the oldest intents first, by kind.
    await db.query(
      `CREATE INDEX upload_intents_kind_started_at_idx ON upload_intents (kind, started_at)`,
    );
    await db.query(`
      CREATE UNIQUE INDEX folders_sibling_name_key ON folders (
        coalesce(application_id, '00000000-0000-0000-0000-000000000000'::uuid),
        coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid),
        lower(name))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX folders_sibling_name_key`);
    await db.query(`DROP TABLE upload_intents`);
  }
}
