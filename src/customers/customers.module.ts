import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';

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
