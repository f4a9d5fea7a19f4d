import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { AuthUser } from '../../common/auth/auth-user';
import { recordScopeOf } from '../../common/auth/record-scope';
import type { ApplicationFilters } from '../application-queries';
import type { ApplicationStatsDto } from '../dto/application-stats.dto';
import { ApplicationsService } from '../records/applications.service';
import {
  amountStatistics,
  isUnfiltered,
  productDistribution,
  riskDistribution,
  statusDistribution,
} from './application-stats';
import { summaryStatsRows } from './application-stats-summary';
import { GROUPED_BY, type StatsRow, statsRows } from './read-queries';

/** `GET /applications/stats` (SPEC §7): counts and amounts over the caller's scope and filters. */
@Injectable()
export class ApplicationStatsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly applications: ApplicationsService,
  ) {}

  /**
   * One grouped query (GROUPING SETS: one set per distribution, and the amounts over all and
   * per currency); money is summed, averaged and compared in SQL on numeric, never as floats.
   * Without filters it reads the summary table (a few thousand rows), else the applications.
   */
  async stats(caller: AuthUser, filters: ApplicationFilters): Promise<ApplicationStatsDto> {
    const rows = await this.rows(caller, filters);
    const countsOf = (set: number, key: 'status' | 'risk_category' | 'product_type') =>
      rows
        .filter((row) => row.grouping === set)
        .map((row) => ({ key: row[key], count: row.total_applications }));
    const amounts = rows.filter(
      (row) => row.grouping === GROUPED_BY.currency || row.grouping === GROUPED_BY.all,
    );
    return {
      status_distribution: statusDistribution(countsOf(GROUPED_BY.status, 'status')),
      risk_distribution: riskDistribution(countsOf(GROUPED_BY.risk_category, 'risk_category')),
      product_distribution: productDistribution(countsOf(GROUPED_BY.product_type, 'product_type')),
      amount_statistics: amountStatistics(
        amounts.map((row) => ({
          ...row,
          currency: row.grouping === GROUPED_BY.all ? null : row.currency,
        })),
      ),
    };
  }

  private async rows(caller: AuthUser, filters: ApplicationFilters): Promise<StatsRow[]> {
    if (isUnfiltered(filters)) return summaryStatsRows(this.txHost.tx, recordScopeOf(caller));
    const filtered = await this.applications.filteredQuery(caller, filters);
    return statsRows(filtered());
  }
}
