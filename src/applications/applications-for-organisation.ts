import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { AuthUser } from '../common/auth/auth-user';
import { recordScopeOf, scopeCondition } from '../common/auth/record-scope';
import type { ApplicationsInUnits, OrgUnitColumn } from '../org-units/records-in-unit';
import { applicationScopeColumns } from './application-scope';

/** What departments and branches ask of applications (org-units/records-in-unit.ts). */
@Injectable()
export class ApplicationsForOrganisation implements ApplicationsInUnits {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * One grouped query for a page of units. The indexes customer_applications_department_order_idx
   * and customer_applications_branch_order_idx start with the unit column, and the scope's
   * owner and reviewer terms have customer_applications_user_order_idx and
   * customer_applications_reviewer_status_idx, so this reads indexes whatever the caller.
   */
  async countReadableBy(
    column: OrgUnitColumn,
    unitIds: string[],
    caller: AuthUser,
  ): Promise<Map<string, number>> {
    if (unitIds.length === 0) return new Map();
    const qb = this.txHost.tx
      .createQueryBuilder()
      .select(`a.${column}`, 'unit_id')
      .addSelect('count(*)::int', 'application_count')
      .from('customer_applications', 'a')
      .where(`a.${column} IN (:...unitIds)`, { unitIds })
      .groupBy(`a.${column}`);
    const condition = scopeCondition(recordScopeOf(caller), applicationScopeColumns('a'));
    if (condition) qb.andWhere(condition.sql, condition.params);
    const rows = await qb.getRawMany<{ unit_id: string; application_count: number }>();
    return new Map(rows.map((row) => [row.unit_id, row.application_count]));
  }

  async countMadeIn(column: OrgUnitColumn, unitId: string): Promise<number> {
    const [row] = await this.txHost.tx.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM customer_applications WHERE ${column} = $1`,
      [unitId],
    );
    return row.count;
  }
}
