import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Segregation of duties that a return, a resubmission or a reassign does not wash (SPEC §4):
 * `customer_applications.created_by` (the creator, never changed) and `submitter_ids` (everyone
 * who ever submitted it), kept by the applications module beside `user_id` and `submitted_by`,
 * which a reassign and a resubmission overwrite.
 *
 * The existing rows are filled from the audit trail, which has recorded every step from the
 * start: the actor of `application.created`, else the officer the first
 * `application.reassigned` moved it from, else `user_id`; and the actors of every
 * `application.submit` plus `submitted_by`. Neither column has a foreign key: they only exclude
 * people, and must not keep a user who has left from being deleted.
 */
export class SegregationOfDuties1764750000000 implements MigrationInterface {
  name = 'SegregationOfDuties1764750000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE customer_applications
        ADD COLUMN created_by uuid,
        ADD COLUMN submitter_ids uuid[] NOT NULL DEFAULT '{}'`);
    // Each subquery reads audit_events_entity_idx (entity_type, entity_id, occurred_at).
    await db.query(`
      UPDATE customer_applications a SET
        created_by = coalesce(
          (SELECT e.actor_id FROM audit_events e
            WHERE e.entity_type = 'application' AND e.entity_id = a.id::text
              AND e.action = 'application.created' AND e.actor_id IS NOT NULL
            ORDER BY e.occurred_at, e.id LIMIT 1),
          (SELECT (e.details ->> 'from_user_id')::uuid FROM audit_events e
            WHERE e.entity_type = 'application' AND e.entity_id = a.id::text
              AND e.action = 'application.reassigned' AND e.details ? 'from_user_id'
            ORDER BY e.occurred_at, e.id LIMIT 1),
          a.user_id),
        submitter_ids = ARRAY(
          SELECT submitter FROM (
            SELECT e.actor_id AS submitter, min(e.occurred_at) AS first_at FROM audit_events e
             WHERE e.entity_type = 'application' AND e.entity_id = a.id::text
               AND e.action = 'application.submit' AND e.actor_id IS NOT NULL
             GROUP BY e.actor_id
            UNION ALL
            SELECT a.submitted_by, 'infinity'::timestamptz WHERE a.submitted_by IS NOT NULL
          ) submitters
          GROUP BY submitter ORDER BY min(first_at), submitter)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE customer_applications DROP COLUMN submitter_ids, DROP COLUMN created_by`);
  }
}
