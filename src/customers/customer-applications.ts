/**
 * What customers ask of applications, which sit above them (an application links its
 * customer): whether a customer is visible through an application in a caller's scope, and a
 * customer's applications in that scope. Declared here, provided by the applications module
 * (applications/applications-for-customers.ts), wired in app.module.ts.
 */
import type { RecordScope, SqlCondition } from '../common/auth/record-scope';
import type { CustomerApplicationRow } from './dto/customer.dto';

/** Provides CustomerApplications. */
export const CUSTOMER_APPLICATIONS = Symbol('CUSTOMER_APPLICATIONS');

/**
 * The condition (SQL, named parameters prefixed `appScope`) that the customer aliased
 * `customerAlias` has an application in `scope`, leaving out `exceptApplicationId`; null when
 * the scope holds every application.
 */
export type ApplicationOfCustomerCondition = (
  scope: RecordScope,
  customerAlias: string,
  exceptApplicationId: string | null,
) => SqlCondition | null;

export interface CustomerApplications {
  visibleThroughApplication: ApplicationOfCustomerCondition;
  /** The customer's applications in `scope`, newest first: one window of them and their count. */
  applicationsOf(
    scope: RecordScope,
    customerId: string,
    window: { skip: number; take: number },
  ): Promise<{ rows: CustomerApplicationRow[]; total: number }>;
}
