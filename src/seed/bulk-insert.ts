/**
 * Many rows in one statement: `INSERT INTO t (a, b) SELECT * FROM unnest($1::uuid[],
 * $2::text[])`, one array parameter per column, so a batch of thousands of rows needs as many
 * parameters as the table has columns (PostgreSQL allows 65535) and one round trip.
 */
import type { QueryRunner } from 'typeorm';

/** A column's values, each a string, a number or null. */
type Value = string | number | null;

/**
 * A PostgreSQL array literal (`{"a","b",NULL}`) of `values`. Built here rather than by the
 * driver so that the work happens when the caller chooses (while the previous batch is being
 * written), not when the driver sends the statement.
 */
export function arrayLiteral(values: readonly Value[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (value === null) parts[i] = 'NULL';
    else if (typeof value === 'number') parts[i] = String(value);
    else parts[i] = `"${value.replace(/[\\"]/g, '\\$&')}"`;
  }
  return `{${parts.join(',')}}`;
}

export interface Statement {
  sql: string;
  params: string[];
}

/**
 * The insert of `rows` into `table`; `types` names each column and its PostgreSQL type.
 * Parameters are numbered from `firstParameter`, so that statements can be combined.
 */
export function insertStatement<Row extends { [Column in keyof Row]: Value }>(
  table: string,
  types: { readonly [Column in keyof Row & string]: string },
  rows: readonly Row[],
  firstParameter = 1,
): Statement {
  const columns = Object.keys(types) as (keyof Row & string)[];
  const arrays = columns.map((column, i) => `$${firstParameter + i}::${types[column]}[]`);
  return {
    sql: `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${arrays.join(', ')})`,
    params: columns.map((column) => arrayLiteral(rows.map((row) => row[column]))),
  };
}

export async function insertRows<Row extends { [Column in keyof Row]: Value }>(
  runner: QueryRunner,
  table: string,
  types: { readonly [Column in keyof Row & string]: string },
  rows: readonly Row[],
): Promise<void> {
  if (!rows.length) return;
  const { sql, params } = insertStatement(table, types, rows);
  await runner.query(sql, params);
}
