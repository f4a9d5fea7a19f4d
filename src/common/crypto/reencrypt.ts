/**
 * After a key rotation (README "Rotating the data encryption key"): rewrites every value of the
 * given sealed columns under the current key and recomputes its blind index, in batches, each
 * batch its own transaction with its rows locked. Values already under the current key with the
 * current hash are left alone, so the command can be interrupted and run again. Which columns
 * are sealed is declared by the modules that own them (sealed-column.ts); the CLI passes them.
 */
import type { DataSource } from 'typeorm';
import type { FieldCipher } from './field-cipher';
import { type SealedColumn, sealContext } from './sealed-column';

export interface ReencryptReport {
  table: string;
  column: string;
  checked: number;
  rewritten: number;
}

const BATCH = 500;

export async function reencryptAll(
  dataSource: DataSource,
  cipher: FieldCipher,
  columns: readonly SealedColumn[],
  onProgress: (report: ReencryptReport) => void = () => undefined,
): Promise<ReencryptReport[]> {
  const reports: ReencryptReport[] = [];
  for (const target of columns) {
    const report: ReencryptReport = {
      table: target.table,
      column: target.column,
      checked: 0,
      rewritten: 0,
    };
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const last = await dataSource.transaction(async (manager) => {
        const rows = await manager.query<{ id: string; value: string; hash: string | null }[]>(
          `SELECT id, ${target.column} AS value, ${target.hash} AS hash FROM ${target.table}
            WHERE id > $1 AND ${target.column} IS NOT NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE`,
          [after],
        );
        for (const row of rows) {
          const context = sealContext(target, row.id);
          const clear = cipher.decrypt(row.value, context);
          const hash = cipher.blindIndex(clear);
          if (!cipher.needsReencryption(row.value) && row.hash === hash) continue;
          await manager.query(
            `UPDATE ${target.table} SET ${target.column} = $2, ${target.hash} = $3 WHERE id = $1`,
            [row.id, cipher.encrypt(clear, context), hash],
          );
          report.rewritten += 1;
        }
        report.checked += rows.length;
        return rows.at(-1)?.id;
      });
      onProgress(report);
      if (!last) break;
      after = last;
    }
    reports.push(report);
  }
  return reports;
}
