/**
 * The CSV export of applications (`GET /applications/export/csv`): its columns, one record per
 * application, and its file name. Pure; the service reads the rows in batches and streams the
 * lines csv.ts makes of these records.
 */
import type { ApplicationStatus } from '../../enums/code-enums';
import type { CsvValue } from './csv';
import { loanStatusOf } from '../lifecycle/application-lifecycle';

/** The columns, in order: also the header row. */
export const EXPORT_COLUMNS = [
  'id',
  'status',
  'loan_status',
  'currency',
  'requested_amount',
  'loan_amount',
  'full_name_latin',
  'full_name_khmer',
  'id_number',
  'phone',
  'product_type',
  'desired_loan_term',
  'priority_level',
  'risk_category',
  'credit_score',
  'branch_id',
  'department_id',
  'user_id',
  'assigned_reviewer',
  'created_at',
  'submitted_at',
  'approved_at',
  'disbursed_at',
] as const;

/** The table columns the export reads (`loan_status` is derived from `status`), by API name. */
export const EXPORT_SOURCE_COLUMNS = EXPORT_COLUMNS.filter(
  (column): column is Exclude<(typeof EXPORT_COLUMNS)[number], 'loan_status'> =>
    column !== 'loan_status',
);

export type ExportSourceColumn = (typeof EXPORT_SOURCE_COLUMNS)[number];

/** A row as the export query reads it: each source column under its name. */
export type ExportSourceRow = Record<Exclude<ExportSourceColumn, 'status'>, CsvValue> & {
  status: ApplicationStatus;
};

/**
 * The values of one record, in EXPORT_COLUMNS order. Money stays the decimal text of
 * numeric(15,2) ("5000.00"): exact, and read as a number by spreadsheets.
 */
export function exportRecord(row: ExportSourceRow, clearIdNumber: string | null): CsvValue[] {
  return EXPORT_COLUMNS.map((column) => {
    if (column === 'loan_status') return loanStatusOf(row.status);
    if (column === 'id_number') return clearIdNumber;
    return row[column];
  });
}

/** `applications-YYYYMMDD.csv` for a calendar day given as YYYY-MM-DD. */
export function exportFileName(day: string): string {
  return `applications-${day.replace(/-/g, '')}.csv`;
}
