import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { RecordsNamingUser } from '../users/records-naming-user';

/** What users asks of customers (users/records-naming-user.ts). */
@Injectable()
export class CustomersForUsers implements RecordsNamingUser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Created one; through customers_created_by_idx. */
  async namesUser(userId: string): Promise<boolean> {
    const [row] = await this.txHost.tx.query<{ found: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM customers WHERE created_by = $1) AS found',
      [userId],
    );
    return row.found;
  }
}
