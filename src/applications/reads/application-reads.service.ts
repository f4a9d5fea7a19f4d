import { HttpStatus, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In, type SelectQueryBuilder } from 'typeorm';
import { AuditEvent } from '../../audit/audit-event.entity';
import { AuditService } from '../../audit/audit.service';
import { Branch } from '../../branches/branch.entity';
import type { AuthUser } from '../../common/auth/auth-user';
import { type Page, pageOf, type PageQueryDto, pageWindow } from '../../common/http/pagination';
import { ProblemException } from '../../common/http/problem';
import { Department } from '../../departments/department.entity';
import type { ApplicationEnumOptions } from '../../enums/code-enums';
import { EnumsService } from '../../enums/enums.service';
import { SettingsService } from '../../settings/settings.service';
import { User } from '../../users/user.entity';
import {
  EXPORT_COLUMNS,
  EXPORT_SOURCE_COLUMNS,
  type ExportSourceRow,
  exportFileName,
  exportRecord,
} from './application-export';
import { type ApplicationFilters, orderApplications } from '../application-queries';
import {
  type AmountRow,
  amountStatistics,
  productDistribution,
  riskDistribution,
  statusDistribution,
} from './application-stats';
import { ApplicationsService } from '../records/applications.service';
import { RunningExports } from './running-exports';
import { csvLine, UTF8_BOM } from './csv';
import { type ApplicationCard, toApplicationCard } from '../dto/application-card.dto';
import {
  type ApplicationHistoryEvent,
  toApplicationHistoryEvent,
} from '../dto/application-history.dto';
import {
  type ApplicationRelationships,
  toApplicationSummary,
  toPersonSummary,
  toUnitSummary,
} from '../dto/application-relationships.dto';
import type { ApplicationStats } from '../dto/application-stats.dto';
import type { ApplicationCardsQuery } from '../dto/list-applications.query';
import { todayIn } from '../lifecycle/loan-term';

/** Rows per query of the CSV export (each batch is one short query; see `openCsvExport`). */
export const EXPORT_BATCH_SIZE = 1000;

/** The Retry-After of a second export while the first runs: a short wait, then try again. */
export const EXPORT_RETRY_AFTER_SECONDS = 5;

/** Where the export's keyset pagination stands: the list order's key of the last row sent. */
interface ExportCursor {
  rank: number;
  /** created_at as PostgreSQL's text, which keeps the microseconds a JS Date would drop. */
  createdAt: string;
  id: string;
}

type ExportRow = ExportSourceRow & {
  id: string;
  id_number: string | null;
  cursor_rank: number;
  cursor_created_at: string;
};

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

/**
 * The read views of applications (SPEC §7): cards, relationships, history, stats, the CSV
 * export and the enum lists. Every view is limited to the caller's scope the way the list is
 * (record-scope.ts), and an object out of scope is 404 (ApplicationsService.findInScope).
 */
@Injectable()
export class ApplicationReadsService {
  private readonly runningExports = new RunningExports();

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly applications: ApplicationsService,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly enums: EnumsService,
  ) {}

  /** A page of cards, filtered and ordered as the list. */
  cards(caller: AuthUser, query: ApplicationCardsQuery): Promise<Page<ApplicationCard>> {
    return this.applications.page(caller, query, (row) =>
      toApplicationCard(this.applications.toResponse(row)),
    );
  }

  /**
   * The people and units around an application, in a fixed number of queries: the application,
   * its department and branch (in parallel), then every user at once (`WHERE id IN (...)`).
   */
  async relationships(caller: AuthUser, id: string): Promise<ApplicationRelationships> {
    const row = await this.applications.findInScope(caller, id);
    const manager = this.txHost.tx;
    const unitColumns = { id: true, name: true, code: true, managerId: true } as const;
    const [department, branch] = await Promise.all([
      row.departmentId
        ? manager
            .getRepository(Department)
            .findOne({ select: unitColumns, where: { id: row.departmentId } })
        : null,
      row.branchId
        ? manager
            .getRepository(Branch)
            .findOne({ select: unitColumns, where: { id: row.branchId } })
        : null,
    ]);
    const userIds = [
      row.userId,
      department?.managerId,
      branch?.managerId,
      row.approvedBy,
      row.rejectedBy,
      row.assignedReviewer,
    ].filter((userId): userId is string => typeof userId === 'string');
    const users = userIds.length
      ? await manager.getRepository(User).find({
          select: {
            id: true,
            username: true,
            firstName: true,
            lastName: true,
            email: true,
            phoneNumber: true,
            role: true,
          },
          where: { id: In([...new Set(userIds)]) },
        })
      : [];
    const byId = new Map(users.map((user) => [user.id, user]));
    const person = (userId: string | null | undefined) =>
      toPersonSummary(userId ? byId.get(userId) : undefined);
    return {
      application: toApplicationSummary(this.applications.toResponse(row)),
      officer: person(row.userId),
      department: toUnitSummary(department),
      branch: toUnitSummary(branch),
      department_manager: person(department?.managerId),
      branch_manager: person(branch?.managerId),
      approver: person(row.approvedBy),
      rejector: person(row.rejectedBy),
      reviewer: person(row.assignedReviewer),
    };
  }

  /**
   * The application's audit events, oldest first (a timeline: page 1 starts with its creation),
   * read through audit_events_entity_idx. Visible to whoever may see the application.
   */
  async history(
    caller: AuthUser,
    id: string,
    query: PageQueryDto,
  ): Promise<Page<ApplicationHistoryEvent>> {
    await this.applications.findInScope(caller, id);
    const { skip, take } = pageWindow(query);
    const [rows, total] = await Promise.all([
      this.historyQuery(id).offset(skip).limit(take).getMany(),
      this.historyQuery(id).getCount(),
    ]);
    return pageOf(rows.map(toApplicationHistoryEvent), total, query);
  }

  /** The events of one application, oldest first. Public so that a test can EXPLAIN it. */
  historyQuery(id: string): SelectQueryBuilder<AuditEvent> {
    return this.txHost.tx
      .getRepository(AuditEvent)
      .createQueryBuilder('event')
      .where('event.entityType = :entityType', { entityType: 'application' })
      .andWhere('event.entityId = :entityId', { entityId: id })
      .orderBy('event.occurredAt', 'ASC')
      .addOrderBy('event.id', 'ASC');
  }

  /**
   * Counts and amounts over the caller's scope and the filters: one GROUP BY query per
   * distribution and one for the amounts (GROUPING SETS: over all and per currency), in
   * parallel. Sums, averages (rounded to 2 places), minima and maxima are computed in SQL on
   * numeric and read as text, so no float touches money.
   */
  async stats(caller: AuthUser, filters: ApplicationFilters): Promise<ApplicationStats> {
    const filtered = await this.applications.filteredQuery(caller, filters);
    // One pass over the rows for every figure: each grouping set is one distribution, the
    // empty set the figures over all. GROUPING() says which set a row belongs to.
    const rows = await filtered()
      .select('GROUPING(a.status, a.risk_category, a.product_type, a.currency)::int', 'grouping')
      .addSelect('a.status', 'status')
      .addSelect('a.risk_category', 'risk_category')
      .addSelect('a.product_type', 'product_type')
      .addSelect('a.currency', 'currency')
      .addSelect('count(*)::int', 'total_applications')
      .addSelect('sum(a.requested_amount)::text', 'total_amount')
      .addSelect('round(avg(a.requested_amount), 2)::text', 'average_amount')
      .addSelect('min(a.requested_amount)::text', 'min_amount')
      .addSelect('max(a.requested_amount)::text', 'max_amount')
      .groupBy('GROUPING SETS ((a.status), (a.risk_category), (a.product_type), (a.currency), ())')
      .getRawMany<StatsRow>();
    const countsOf = (set: number, key: 'status' | 'risk_category' | 'product_type') =>
      rows
        .filter((row) => row.grouping === set)
        .map((row) => ({ key: row[key], count: row.total_applications }));
    const statuses = countsOf(GROUPED_BY.status, 'status');
    const risks = countsOf(GROUPED_BY.risk_category, 'risk_category');
    const products = countsOf(GROUPED_BY.product_type, 'product_type');
    // The empty set yields its row even when no application matches.
    const amounts = rows.filter(
      (row) => row.grouping === GROUPED_BY.currency || row.grouping === GROUPED_BY.all,
    );
    return {
      status_distribution: statusDistribution(statuses),
      risk_distribution: riskDistribution(risks),
      product_distribution: productDistribution(products),
      amount_statistics: amountStatistics(
        amounts.map((row) => ({
          ...row,
          currency: row.grouping === GROUPED_BY.all ? null : row.currency,
        })),
      ),
    };
  }

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
    const readBatch = (after: ExportCursor | null) => {
      const qb = orderApplications(filtered())
        .select('a.priority_rank', 'cursor_rank')
        .addSelect('CAST(a.created_at AS text)', 'cursor_created_at')
        .limit(EXPORT_BATCH_SIZE);
      // Each column under its own name (the API's, which is the column's).
      for (const column of EXPORT_SOURCE_COLUMNS) qb.addSelect(`a.${column}`, column);
      if (after) {
        qb.andWhere(
          '(a.priority_rank > :afterRank OR (a.priority_rank = :afterRank AND ' +
            '(a.created_at, a.id) < (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS uuid))))',
          { afterRank: after.rank, afterCreatedAt: after.createdAt, afterId: after.id },
        );
      }
      return qb.getRawMany<ExportRow>();
    };
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

  applicationOptions(): Promise<ApplicationEnumOptions> {
    return this.enums.applicationOptions();
  }

  /** A factory of fresh query builders with the caller's scope and the filters applied. */
}

/** The filters that were given (for the audit event): no null or undefined entries. */
function givenFilters(filters: ApplicationFilters): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filters).filter(([, value]) => value !== null && value !== undefined),
  );
}

/** A row of the stats query: the grouping bits, the grouped columns, the figures as text. */
interface StatsRow extends AmountRow {
  grouping: number;
  status: string | null;
  risk_category: string | null;
  product_type: string | null;
}

/**
 * GROUPING(status, risk_category, product_type, currency) for each set: a bit is 1 where the
 * column is not grouped (status is the highest bit).
 */
const GROUPED_BY = {
  status: 0b0111,
  risk_category: 0b1011,
  product_type: 0b1101,
  currency: 0b1110,
  all: 0b1111,
};
