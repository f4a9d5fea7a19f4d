import type { MigrationInterface, QueryRunner } from 'typeorm';
import { KEY_LIST, NULLABLE, RECOMPUTE, summaryFunctions } from './support/stats-summary-triggers';

/**
 * `application_stats_summary`: the counts and amounts of `customer_applications` per
 * (branch, department, officer, reviewer, status, product type, currency, risk category), so that
 * the unfiltered `GET /applications/stats` (and the dashboard's counts) add up a few thousand
 * rows instead of reading 100k applications. Each row is a partition of the applications: every
 * scope is a condition on its key columns, and a GROUP BY over it equals one over the table.
 *
 * Kept by statement triggers with transition tables, in the transaction of whichever path writes
 * (the server, the demo seed, an operator's SQL): one grouped upsert per statement (a bulk insert
 * of 25,000 rows of one group is one upsert), ON CONFLICT on the NULLS NOT DISTINCT key
 * (PostgreSQL 15+). The summary row of a group stays locked from the write to the commit: the
 * writes of one group (one officer's drafts of one product) follow each other. Rows whose count
 * falls to 0 are kept (the reads skip them); deleting them would race with concurrent upserts.
 * TRUNCATE empties the summary too.
 *
 * The functions run as the caller: the runtime role writes the summary through the grants it
 * has on every table (database-roles.ts, granted after the migrations).
 */
export class ApplicationStatsSummary1765000100000 implements MigrationInterface {
  name = 'ApplicationStatsSummary1765000100000';

  async up(db: QueryRunner): Promise<void> {
    // fillfactor 50: every write updates a summary row; room on its page keeps the update HOT
    // (no new index entry) and lets the page be pruned as it goes.
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
        -- No CHECK (>= 0): PostgreSQL checks the row an upsert proposes, which may be a removal.
        applications integer NOT NULL,
        -- Applications with a requested amount (the average's divisor), their sum, min and max.
        amounts integer NOT NULL,
        amount_sum numeric NOT NULL,
        amount_min numeric(15, 2),
        amount_max numeric(15, 2),
        loan_amount_sum numeric NOT NULL,
        CONSTRAINT application_stats_summary_key UNIQUE NULLS NOT DISTINCT (${KEY_LIST})
      ) WITH (fillfactor = 50)`);

    // What a recompute reads: the group's columns, the NOT NULL ones first, then the amount.
    await db.query(`
      CREATE INDEX customer_applications_stats_group_idx ON customer_applications
        (user_id, status, currency, ${NULLABLE.join(', ')}, requested_amount)`);
    const functions = summaryFunctions(RECOMPUTE);
    for (const [name, body] of functions) {
      await db.query(`
        CREATE FUNCTION application_stats_summary_${name}() RETURNS trigger LANGUAGE plpgsql
        AS $$ ${body} $$`);
    }
    await db.query(`
      CREATE TRIGGER application_stats_summary_insert AFTER INSERT ON customer_applications
      REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION application_stats_summary_inserted()`);
    await db.query(`
      CREATE TRIGGER application_stats_summary_delete AFTER DELETE ON customer_applications
      REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION application_stats_summary_deleted()`);
    await db.query(`
      CREATE TRIGGER application_stats_summary_update AFTER UPDATE ON customer_applications
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION application_stats_summary_updated()`);
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
      INSERT INTO application_stats_summary (${KEY_LIST},
          applications, amounts, amount_sum, amount_min, amount_max, loan_amount_sum)
        SELECT ${KEY_LIST}, count(*), count(requested_amount),
               coalesce(sum(requested_amount), 0), min(requested_amount), max(requested_amount),
               coalesce(sum(loan_amount), 0)
          FROM customer_applications
         GROUP BY ${KEY_LIST}`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const name of ['insert', 'delete', 'update', 'truncate']) {
      await db.query(`DROP TRIGGER application_stats_summary_${name} ON customer_applications`);
    }
    for (const name of ['inserted', 'deleted', 'updated', 'clear']) {
      await db.query(`DROP FUNCTION application_stats_summary_${name}()`);
    }
    await db.query(`DROP TABLE application_stats_summary`);
    await db.query(`DROP INDEX customer_applications_stats_group_idx`);
  }
}
