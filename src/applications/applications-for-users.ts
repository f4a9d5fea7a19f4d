import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { RecordsNamingUser } from '../users/records-naming-user';

/** What users asks of applications (users/records-naming-user.ts). */
@Injectable()
export class ApplicationsForUsers implements RecordsNamingUser {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Created, reviews, submitted, approved or rejected one: each EXISTS stops at the first row,
   * read through the index that starts with its column.
   */
  async namesUser(userId: string): Promise<boolean> {
    const [row] = await this.txHost.tx.query<{ found: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM customer_applications WHERE user_id = $1)
              OR EXISTS (SELECT 1 FROM customer_applications WHERE assigned_reviewer = $1)
              OR EXISTS (SELECT 1 FROM customer_applications WHERE submitted_by = $1)
              OR EXISTS (SELECT 1 FROM customer_applications WHERE approved_by = $1)
              OR EXISTS (SELECT 1 FROM customer_applications WHERE rejected_by = $1) AS found`,
      [userId],
    );
    return row.found;
  }
}
