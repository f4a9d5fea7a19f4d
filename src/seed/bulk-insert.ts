/**
 * Many rows in one statement: `INSERT INTO t (a, b) SELECT * FROM unnest($1::uuid[],
 * $2::text[])`, one array parameter per column, so a batch of thousands of rows needs as many
 * parameters as the table has columns (PostgreSQL allows 65535) and one round trip. Rows are
 * keyed by entity property; the table, its column names and their types come from the entity
 * (its module owns them), never from a copy here.
 */
import type { EntityMetadata, QueryRunner } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

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
 * The type an array of the column's values is cast to: the column's own type, except that
 * strings travel as text (a cast to varchar(n) or char(n) would cut a long value silently,
 * where the insert into the column refuses it).
 */
function elementType(entity: EntityMetadata, column: ColumnMetadata): string {
  const type = entity.connection.driver.normalizeType(column);
  return type === 'character varying' || type === 'character' ? 'text' : type;
}

/**
 * The insert of `rows` (keyed by entity property, all with the same properties) into the
 * entity's table. Parameters are numbered from `firstParameter`, so that statements can be
 * combined.
 */
export function insertStatement<Row extends { [Property in keyof Row]: Value }>(
  entity: EntityMetadata,
  rows: readonly Row[],
  firstParameter = 1,
): Statement {
  if (rows.length === 0) throw new Error(`No rows to insert into ${entity.tableName}`);
  const properties = Object.keys(rows[0]) as (keyof Row & string)[];
  const columns = properties.map((property) => {
    const column = entity.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${entity.tableName} has no column for the property ${property}`);
    return column;
  });
  const arrays = columns.map(
    (column, i) => `$${firstParameter + i}::${elementType(entity, column)}[]`,
  );
  const names = columns.map((column) => column.databaseName);
  return {
    sql: `INSERT INTO ${entity.tableName} (${names.join(', ')}) SELECT * FROM unnest(${arrays.join(', ')})`,
    params: properties.map((property) => arrayLiteral(rows.map((row) => row[property]))),
  };
}

export async function insertRows<Row extends { [Property in keyof Row]: Value }>(
  runner: QueryRunner,
  entity: EntityMetadata,
  rows: readonly Row[],
): Promise<void> {
  if (!rows.length) return;
  const { sql, params } = insertStatement(entity, rows);
  await runner.query(sql, params);
}
