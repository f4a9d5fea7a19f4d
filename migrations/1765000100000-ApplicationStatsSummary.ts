import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns the summary groups applications by: the scope's four, then the stats' four. */
const KEY = [
  'branch_id',
  'department_id',
  'user_id',
  'assigned_reviewer',
  'status',
  'product_type',
  'currency',
  'risk_category',
];
/** Their types, for the apply function's parameters. */
const KEY_TYPES = ['uuid', 'uuid', 'uuid', 'uuid', 'text', 'text', 'text', 'text'];
const keyOf = (record: string) => KEY.map((column) => `${record}.${column}`).join(', ');
/** The columns whose change moves an application in the summary. */
const TRACKED = [...KEY, 'requested_amount', 'loan_amount'];

/**
 * `application_stats_summary`: the counts and amounts of `customer_applications` per
 * (branch, department, officer, reviewer, status, product type, currency, risk category), so that
 * the unfiltered `GET /applications/stats` (and the dashboard's counts) add up a few thousand
 * rows instead of reading 100k applications. Each row is a partition of the applications: every
 * scope is a condition on its key columns, and a GROUP BY over it equals one over the table.
 *
 * Kept by triggers, whichever path writes (the server, the demo seed, an operator's SQL):
 * deferred constraint triggers, one row event each, applied at commit, so that the row lock of
 * a summary row (the hot spot: one officer creating drafts) is held only while the transaction
 * commits. Each event upserts its delta (ON CONFLICT on the NULLS NOT DISTINCT key, PostgreSQL
 * 15+); the minimum and maximum cannot be taken back, so a removal that took away the group's
 * minimum or maximum recomputes both from the table (customer_applications_user_order_idx finds
 * the officer's rows), in a statement of its own: it runs once the summary row is locked, so its
 * snapshot sees every committed change of that group. Rows whose count falls to 0 are kept (the
 * reads skip them); re-creating them would race with concurrent upserts.
 *
 * The functions run as the caller: the runtime role writes the summary through the grants it
 * has on every table (database-roles.ts, granted after the migrations).
 */
export class ApplicationStatsSummary1765000100000 implements MigrationInterface {
  name = 'ApplicationStatsSummary1765000100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE application_stats_summary (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        branch_id uuid,
        department_id uuid,
        user_id uuid NOT NULL,
        assigned_reviewer uuid,
        status varchar(20) NOT NULL,
        product_type varchar(50),
        currency varchar(3) NOT NULL,
        risk_category varchar(10),
        -- No CHECK (>= 0): PostgreSQL checks the row an upsert proposes, here a delta of -1.
        applications integer NOT NULL,
        -- Applications with a requested amount (the average's divisor), their sum, min and max.
        amounts integer NOT NULL,
        amount_sum numeric NOT NULL,
        amount_min numeric(15, 2),
        amount_max numeric(15, 2),
        loan_amount_sum numeric NOT NULL,
        CONSTRAINT application_stats_summary_key UNIQUE NULLS NOT DISTINCT (${KEY.join(', ')})
      )`);

    // One application entering (+1) or leaving (-1) its group. Kept apart from the trigger so
    // that an UPDATE can apply its two halves in the order of their keys (no deadlock between
    // two transactions moving applications in opposite directions).
    await db.query(`
      CREATE FUNCTION application_stats_summary_apply(
        delta integer, ${KEY.map((column, i) => `p_${column} ${KEY_TYPES[i]}`).join(', ')},
        requested numeric, loan numeric
      ) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        summary_id bigint;
        lowest numeric;
        highest numeric;
      BEGIN
        INSERT INTO application_stats_summary AS s (${KEY.join(', ')},
            applications, amounts, amount_sum, amount_min, amount_max, loan_amount_sum)
          VALUES (${KEY.map((column) => `p_${column}`).join(', ')}, delta,
            CASE WHEN requested IS NULL THEN 0 ELSE delta END, delta * coalesce(requested, 0),
            CASE WHEN delta > 0 THEN requested END, CASE WHEN delta > 0 THEN requested END,
            delta * coalesce(loan, 0))
          ON CONFLICT ON CONSTRAINT application_stats_summary_key DO UPDATE SET
            applications = s.applications + excluded.applications,
            amounts = s.amounts + excluded.amounts,
            amount_sum = s.amount_sum + excluded.amount_sum,
            amount_min = least(s.amount_min, excluded.amount_min),
            amount_max = greatest(s.amount_max, excluded.amount_max),
            loan_amount_sum = s.loan_amount_sum + excluded.loan_amount_sum
          RETURNING id, amount_min, amount_max INTO summary_id, lowest, highest;
        IF delta < 0 AND (requested <= lowest OR requested >= highest) THEN
          UPDATE application_stats_summary s
             SET (amount_min, amount_max) = (
               SELECT min(a.requested_amount), max(a.requested_amount)
                 FROM customer_applications a
                WHERE a.user_id = p_user_id
                  ${KEY.filter((column) => column !== 'user_id')
                    .map((column) => `AND a.${column} IS NOT DISTINCT FROM p_${column}`)
                    .join('\n                  ')})
           WHERE s.id = summary_id;
        END IF;
      END $$`);

    await db.query(`
      CREATE FUNCTION application_stats_summary_track() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM application_stats_summary_apply(1, ${keyOf('NEW')},
            NEW.requested_amount, NEW.loan_amount);
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM application_stats_summary_apply(-1, ${keyOf('OLD')},
            OLD.requested_amount, OLD.loan_amount);
        ELSIF ROW(${keyOf('NEW')})::text < ROW(${keyOf('OLD')})::text THEN
          PERFORM application_stats_summary_apply(1, ${keyOf('NEW')},
            NEW.requested_amount, NEW.loan_amount);
          PERFORM application_stats_summary_apply(-1, ${keyOf('OLD')},
            OLD.requested_amount, OLD.loan_amount);
        ELSE
          PERFORM application_stats_summary_apply(-1, ${keyOf('OLD')},
            OLD.requested_amount, OLD.loan_amount);
          PERFORM application_stats_summary_apply(1, ${keyOf('NEW')},
            NEW.requested_amount, NEW.loan_amount);
        END IF;
        RETURN NULL;
      END $$`);

    await db.query(`
      CREATE CONSTRAINT TRIGGER application_stats_summary_insert_delete
      AFTER INSERT OR DELETE ON customer_applications
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION application_stats_summary_track()`);
    // An update queues an event only when it changes what the summary counts (most edits and
    // every version bump do not).
    await db.query(`
      CREATE CONSTRAINT TRIGGER application_stats_summary_update
      AFTER UPDATE ON customer_applications
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW
      WHEN ((${TRACKED.map((column) => `OLD.${column}`).join(', ')})
            IS DISTINCT FROM (${TRACKED.map((column) => `NEW.${column}`).join(', ')}))
      EXECUTE FUNCTION application_stats_summary_track()`);

    // TRUNCATE fires no row trigger: it empties the summary too.
    await db.query(`
      CREATE FUNCTION application_stats_summary_clear() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM application_stats_summary;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER application_stats_summary_truncate AFTER TRUNCATE ON customer_applications
      FOR EACH STATEMENT EXECUTE FUNCTION application_stats_summary_clear()`);

    // The existing applications (the lock keeps writers out until the migration commits).
    await db.query(`LOCK TABLE customer_applications IN SHARE MODE`);
    await db.query(`
      INSERT INTO application_stats_summary (${KEY.join(', ')},
          applications, amounts, amount_sum, amount_min, amount_max, loan_amount_sum)
        SELECT ${KEY.join(', ')}, count(*), count(requested_amount),
               coalesce(sum(requested_amount), 0), min(requested_amount), max(requested_amount),
               coalesce(sum(loan_amount), 0)
          FROM customer_applications
         GROUP BY ${KEY.join(', ')}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER application_stats_summary_truncate ON customer_applications`);
    await db.query(`DROP TRIGGER application_stats_summary_update ON customer_applications`);
    await db.query(`DROP TRIGGER application_stats_summary_insert_delete ON customer_applications`);
    await db.query(`DROP FUNCTION application_stats_summary_clear()`);
    await db.query(`DROP FUNCTION application_stats_summary_track()`);
    await db.query(`DROP FUNCTION application_stats_summary_apply`);
    await db.query(`DROP TABLE application_stats_summary`);
  }
}
