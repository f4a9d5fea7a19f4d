import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform tables: the append-only audit trail and idempotency keys. */
export class Platform1764288000000 implements MigrationInterface {
  name = 'Platform1764288000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_name varchar(200),
        actor_role varchar(20),
        action varchar(100) NOT NULL,
        entity_type varchar(50),
        entity_id varchar(100),
        branch_id uuid,
        department_id uuid,
        from_status varchar(30),
        to_status varchar(30),
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        request_id varchar(128),
        ip varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Newest first is the only order the audit log offers; each filter leads an index of its own.
    await db.query(
      `CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at DESC, id DESC)`,
    );
    await db.query(
      `CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, occurred_at DESC)`,
    );
    await db.query(
      `CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at DESC)`,
    );
    await db.query(
      `CREATE INDEX audit_events_action_idx ON audit_events (action, occurred_at DESC)`,
    );
    await db.query(
      `CREATE INDEX audit_events_branch_idx ON audit_events (branch_id, occurred_at DESC)`,
    );
    await db.query(
      `CREATE INDEX audit_events_department_idx ON audit_events (department_id, occurred_at DESC)`,
    );
    await db.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);

    await db.query(`
      CREATE TABLE idempotency_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        key varchar(255) NOT NULL,
        request_hash char(64) NOT NULL,
        state varchar(20) NOT NULL DEFAULT 'processing' CHECK (state IN ('processing', 'completed')),
        response_status integer,
        response_body jsonb,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT idempotency_keys_user_key_unique UNIQUE (user_id, key)
      )`);
    await db.query(`CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE idempotency_keys`);
    await db.query(`DROP TABLE audit_events`);
    await db.query(`DROP FUNCTION audit_events_append_only()`);
  }
}
