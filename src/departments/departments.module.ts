import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '../common/module-import';
import { UnitRecords } from '../org-units/org-unit.service';
import { DEPARTMENTS_FOR_USERS } from '../users/units-for-users';
import { DepartmentsController } from './departments.controller';
import { DepartmentsForUsers } from './departments-for-users';
import { DepartmentsService } from './departments.service';

@Module({})
export class DepartmentsModule {
  /**
   * `imports`: the modules that provide the tokens of org-units/records-in-unit.ts (the
   * applications and customers made in a department); app.module.ts wires them.
   */
  static forRoot(providers: { imports: ModuleImport[] }): DynamicModule {
    return {
      module: DepartmentsModule,
      imports: providers.imports,
      controllers: [DepartmentsController],
      providers: [
        DepartmentsService,
        UnitRecords,
        DepartmentsForUsers,
        { provide: DEPARTMENTS_FOR_USERS, useExisting: DepartmentsForUsers },
      ],
      exports: [DEPARTMENTS_FOR_USERS, DepartmentsService],
    };
  }
}
