import { HttpStatus, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/auth/auth-user';
import { ProblemException } from '../../common/http/problem';
import { SettingsService } from '../../settings/settings.service';
import type { ApplicationFilters } from '../application-queries';
import { todayIn } from '../lifecycle/loan-term';
import { ApplicationsService } from '../records/applications.service';
import { EXPORT_COLUMNS, exportFileName, exportRecord } from './application-export';
import { csvLine, UTF8_BOM } from './csv';
import { type ExportCursor, exportBatch, type ExportRow } from './read-queries';
import { RunningExports } from './running-exports';

/** Rows per query of the CSV export (each batch is one short query; see `openCsvExport`). */
export const EXPORT_BATCH_SIZE = 1000;

/** The Retry-After of a second export while the first runs: a short wait, then try again. */
export const EXPORT_RETRY_AFTER_SECONDS = 5;

/**
 * A CSV export under way: its file name, its lines (pulled one by one), the rows sent, and
 * `close`, which frees the caller's export slot (call it once the export ended, however).
 */
export interface CsvExport {
  filename: string;
  lines: AsyncGenerator<string, void, undefined>;
  readonly rowCount: number;
  close(): void;
}

/** `GET /applications/export/csv` (SPEC §7): the applications in scope as a streamed CSV. */
@Injectable()
export class ApplicationExportService {
  private readonly runningExports = new RunningExports();

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly applications: ApplicationsService,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
  ) {}

  /**
   * Starts a CSV export of the applications in scope that pass the filters, in the list's
   * order. The first batch is read here, so that a failure before the first byte is still a
   * problem document; the rest are read as the client takes the lines (`lines` is pulled, so a
   * slow client slows the reads and at most one batch is held in memory).
   *
   * Batches are keyset pages of the list order (priority rank, created_at DESC, id DESC), each
   * a short query of its own: no connection or snapshot is held while a slow client downloads.
   * The price: an application whose priority changes during the export can appear twice or
   * not at all. The id number is decrypted: the export is for managers and admins, who may
   * read it on the application anyway, and it is audited (`recordExport`).
   *
   * One export per user at a time (RunningExports): another while it runs is 429.
   */
  async openCsvExport(caller: AuthUser, filters: ApplicationFilters): Promise<CsvExport> {
    const release = this.runningExports.claim(caller.id);
    if (!release) {
      throw new ProblemException(
        HttpStatus.TOO_MANY_REQUESTS,
        'You already have a CSV export running. Wait until it has finished (or cancel it), ' +
          'then start the next one.',
        {
          type: 'export-in-progress',
          headers: { 'Retry-After': String(EXPORT_RETRY_AFTER_SECONDS) },
        },
      );
    }
    try {
      return await this.startCsvExport(caller, filters, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  private async startCsvExport(
    caller: AuthUser,
    filters: ApplicationFilters,
    close: () => void,
  ): Promise<CsvExport> {
    // Captured now: the later batches run outside the request's context.
    const manager = this.txHost.tx;
    const timeZone = await this.settings.get('timezone');
    const filtered = await this.applications.filteredQuery(caller, filters, manager);
    const readBatch = (after: ExportCursor | null) =>
      exportBatch(filtered(), after, EXPORT_BATCH_SIZE);
    const clearIdNumber = (row: ExportRow) =>
      this.applications.reveal(
        { id: row.id, idNumber: row.id_number, guarantorIdNumber: null },
        'idNumber',
      );

    const first = await readBatch(null);
    const progress = { rows: 0 };
    async function* lines(): AsyncGenerator<string, void, undefined> {
      yield UTF8_BOM + csvLine(EXPORT_COLUMNS);
      let batch = first;
      for (;;) {
        for (const row of batch) {
          const line = csvLine(exportRecord(row, clearIdNumber(row)));
          progress.rows += 1;
          yield line;
        }
        const last = batch.at(-1);
        if (batch.length < EXPORT_BATCH_SIZE || !last) return;
        batch = await readBatch({
          rank: last.cursor_rank,
          createdAt: last.cursor_created_at,
          id: last.id,
        });
      }
    }
    return {
      filename: exportFileName(todayIn(timeZone)),
      lines: lines(),
      get rowCount() {
        return progress.rows;
      },
      close,
    };
  }

  /** The audit event of an export, written once it ended (or broke off: `completed` false). */
  recordExport(
    caller: AuthUser,
    filters: ApplicationFilters,
    rowCount: number,
    completed: boolean,
  ): Promise<void> {
    return this.audit.record({
      action: 'applications.exported',
      entityType: 'application',
      branchId: caller.branchId,
      departmentId: caller.departmentId,
      actor: { id: caller.id, name: caller.username || null, role: caller.role },
      details: { filters: givenFilters(filters), row_count: rowCount, completed },
    });
  }
}

/** The filters that were given (for the audit event): no null or undefined entries. */
function givenFilters(filters: ApplicationFilters): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filters).filter(([, value]) => value !== null && value !== undefined),
  );
}
