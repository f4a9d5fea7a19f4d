import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { CUSTOMERS_IN_UNITS } from '../org-units/records-in-unit';
import { CUSTOMERS_NAMING_USER } from '../users/records-naming-user';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { CustomersForOrganisation } from './customers-for-organisation';
import { CustomersForUsers } from './customers-for-users';

/** Customers (SPEC §7 "Customers"); CustomersService also links applications to their customer. */
@Module({
  controllers: [CustomersController],
  providers: [CustomersService],
  exports: [CustomersService],
})
export class CustomersModule {
  /**
   * `imports`: the module that provides CUSTOMER_APPLICATIONS (customer-applications.ts), which
   * only applications can answer and customers do not import (app.module.ts wires it).
   */
  static forRoot(options: { imports: NonNullable<ModuleMetadata['imports']> }): DynamicModule {
    return { module: CustomersModule, imports: options.imports };
  }
}

/**
 * What the modules below customers ask of it through their tokens (org-units'
 * records-in-unit.ts, users' records-naming-user.ts): read-only queries, no routes, so that
 * they (and the CLI) get the answers without the whole module.
 */
@Module({
  providers: [
    CustomersForOrganisation,
    CustomersForUsers,
    { provide: CUSTOMERS_IN_UNITS, useExisting: CustomersForOrganisation },
    { provide: CUSTOMERS_NAMING_USER, useExisting: CustomersForUsers },
  ],
  exports: [CUSTOMERS_IN_UNITS, CUSTOMERS_NAMING_USER],
})
export class CustomerLookupsModule {}
