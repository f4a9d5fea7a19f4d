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
const KEY_LIST = KEY.join(', ');
const columnsOf = (alias: string, columns: string[]) =>
  columns.map((column) => `${alias}.${column}`).join(', ');
/** The columns whose change moves an application in the summary. */
const TRACKED = [...KEY, 'requested_amount', 'loan_amount'];
/** What one application brings to (delta 1) or takes from (delta -1) its group. */
const CHANGE = (delta: number, alias: string) =>
  `SELECT ${delta} AS delta, ${columnsOf(alias, TRACKED)}`;

/** The key columns that may be NULL (the others are compared with `=`, which an index serves). */
const NULLABLE = [
  'product_type',
  'risk_category',
  'branch_id',
  'department_id',
  'assigned_reviewer',
];

/** The changes summed per group: counts, amounts, and what was added and taken away. */
const GROUPED = `
  SELECT ${KEY_LIST}, sum(delta)::int AS applications,
         coalesce(sum(delta) FILTER (WHERE requested_amount IS NOT NULL), 0)::int AS amounts,
         coalesce(sum(delta * requested_amount), 0) AS amount_sum,
         min(requested_amount) FILTER (WHERE delta > 0) AS added_min,
         max(requested_amount) FILTER (WHERE delta > 0) AS added_max,
         min(requested_amount) FILTER (WHERE delta < 0) AS removed_min,
         max(requested_amount) FILTER (WHERE delta < 0) AS removed_max,
         coalesce(sum(delta * loan_amount), 0) AS loan_amount_sum
    FROM changes GROUP BY ${KEY_LIST}`;

/** One upsert per group, in key order (two statements lock summary rows in the same order). */
const UPSERT = `
  INSERT INTO application_stats_summary AS s (${KEY_LIST},
      applications, amounts, amount_sum, amount_min, amount_max, loan_amount_sum)
    SELECT ${KEY_LIST}, applications, amounts, amount_sum, added_min, added_max, loan_amount_sum
      FROM grouped ORDER BY ${KEY_LIST}
    ON CONFLICT ON CONSTRAINT application_stats_summary_key DO UPDATE SET
      applications = s.applications + excluded.applications,
      amounts = s.amounts + excluded.amounts,
      amount_sum = s.amount_sum + excluded.amount_sum,
      amount_min = least(s.amount_min, excluded.amount_min),
      amount_max = greatest(s.amount_max, excluded.amount_max),
      loan_amount_sum = s.loan_amount_sum + excluded.loan_amount_sum`;

/**
 * A group that lost its minimum or maximum gets both again from the table (an index-only scan
 * of customer_applications_stats_group_idx), in a statement of its own: it runs once the upsert
 * holds the group's row lock, so its snapshot sees every committed change of that group.
 */
const RECOMPUTE = `
  UPDATE application_stats_summary s
     SET (amount_min, amount_max) = (
       SELECT min(a.requested_amount), max(a.requested_amount)
         FROM customer_applications a
        WHERE a.user_id = s.user_id AND a.status = s.status AND a.currency = s.currency
          ${NULLABLE.map((column) => `AND a.${column} IS NOT DISTINCT FROM s.${column}`).join(' ')})
   WHERE s.id = ANY (stale)`;

/**
 * The body of a trigger function: `changes` (delta, the key, requested_amount, loan_amount) made
 * from the statement's transition tables, added to the summary. Only removals can take away a
 * minimum or maximum: inserts skip that part.
 */
function applyChanges(changes: string, removes: boolean): string {
  if (!removes) {
    return `BEGIN
      WITH changes AS (${changes}), grouped AS (${GROUPED}) ${UPSERT};
      RETURN NULL;
    END`;
  }
  return `DECLARE
      stale bigint[];
    BEGIN
      WITH changes AS (${changes}), grouped AS (${GROUPED}),
      upserted AS (${UPSERT} RETURNING s.id, ${columnsOf('s', KEY)}, s.amount_min, s.amount_max)
      SELECT array_agg(u.id) INTO stale
        FROM upserted u
        JOIN grouped g ON ROW(${columnsOf('g', KEY)})::text = ROW(${columnsOf('u', KEY)})::text
       WHERE g.removed_min <= u.amount_min OR g.removed_max >= u.amount_max;
      IF stale IS NOT NULL THEN ${RECOMPUTE};
      END IF;
      RETURN NULL;
    END`;
}

/** Both halves of an UPDATE, for the applications whose tracked columns changed. */
const MOVED = `FROM old_rows o JOIN new_rows n ON n.id = o.id
  WHERE ROW(${columnsOf('o', TRACKED)}) IS DISTINCT FROM ROW(${columnsOf('n', TRACKED)})`;

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
    const functions: [string, string][] = [
      ['inserted', applyChanges(`${CHANGE(1, 'n')} FROM new_rows n`, false)],
      ['deleted', applyChanges(`${CHANGE(-1, 'o')} FROM old_rows o`, true)],
      [
        'updated',
        applyChanges(`${CHANGE(-1, 'o')} ${MOVED} UNION ALL ${CHANGE(1, 'n')} ${MOVED}`, true),
      ],
    ];
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
