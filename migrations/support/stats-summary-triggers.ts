/**
 * The SQL of the summary's trigger functions (migrations ApplicationStatsSummary and
 * StatsSummaryRecompute). Not a migration: TypeORM takes every export of a file in
 * migrations/ for one, so shared SQL lives here.
 */
/** The columns the summary groups applications by: the scope's four, then the stats' four. */
export const KEY = [
  'branch_id',
  'department_id',
  'user_id',
  'assigned_reviewer',
  'status',
  'product_type',
  'currency',
  'risk_category',
];
export const KEY_LIST = KEY.join(', ');
export const columnsOf = (alias: string, columns: string[]) =>
  columns.map((column) => `${alias}.${column}`).join(', ');
/** The columns whose change moves an application in the summary. */
const TRACKED = [...KEY, 'requested_amount', 'loan_amount'];
/** What one application brings to (delta 1) or takes from (delta -1) its group. */
const CHANGE = (delta: number, alias: string) =>
  `SELECT ${delta} AS delta, ${columnsOf(alias, TRACKED)}`;

/** The key columns that may be NULL (the others are compared with `=`, which an index serves). */
export const NULLABLE = [
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
export const RECOMPUTE = `
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
function applyChanges(changes: string, removes: boolean, recompute: string): string {
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
      IF stale IS NOT NULL THEN ${recompute};
      END IF;
      RETURN NULL;
    END`;
}

/** Both halves of an UPDATE, for the applications whose tracked columns changed. */
const MOVED = `FROM old_rows o JOIN new_rows n ON n.id = o.id
  WHERE ROW(${columnsOf('o', TRACKED)}) IS DISTINCT FROM ROW(${columnsOf('n', TRACKED)})`;

/**
 * The three trigger functions (name, body) with `recompute`, the statement that reads again the
 * minimum and maximum of the groups whose ids are in `stale` (a later migration replaces it).
 */
export function summaryFunctions(recompute: string): [string, string][] {
  return [
    ['inserted', applyChanges(`${CHANGE(1, 'n')} FROM new_rows n`, false, recompute)],
    ['deleted', applyChanges(`${CHANGE(-1, 'o')} FROM old_rows o`, true, recompute)],
    [
      'updated',
      applyChanges(
        `${CHANGE(-1, 'o')} ${MOVED} UNION ALL ${CHANGE(1, 'n')} ${MOVED}`,
        true,
        recompute,
      ),
    ],
  ];
}
