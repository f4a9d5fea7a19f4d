import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { RecordScope } from '../common/auth/record-scope';
import type { CustomerApplications } from '../customers/customer-applications';
import { customerApplicationsPage } from './application-queries';
import { customerHasApplicationInScope } from './application-scope';

/** What customers ask of applications (CUSTOMER_APPLICATIONS, customers/customer-applications.ts). */
@Injectable()
export class ApplicationsForCustomers implements CustomerApplications {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  visibleThroughApplication = customerHasApplicationInScope;

  applicationsOf(scope: RecordScope, customerId: string, window: { skip: number; take: number }) {
    return customerApplicationsPage(this.txHost.tx, scope, customerId, window);
  }
}
