import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { CustomersInUnits, OrgUnitColumn } from '../org-units/records-in-unit';

/** What departments and branches ask of customers (org-units/records-in-unit.ts). */
@Injectable()
export class CustomersForOrganisation implements CustomersInUnits {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Through customers_branch_id_idx or customers_department_id_idx. */
  async countMadeIn(column: OrgUnitColumn, unitId: string): Promise<number> {
    const [row] = await this.txHost.tx.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM customers WHERE ${column} = $1`,
      [unitId],
    );
    return row.count;
  }
}
