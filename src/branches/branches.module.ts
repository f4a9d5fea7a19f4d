import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '../common/module-import';
import { UnitRecords } from '../org-units/org-unit.service';
import { BRANCHES_FOR_USERS } from '../users/units-for-users';
import { BranchesController } from './branches.controller';
import { BranchesForUsers } from './branches-for-users';
import { BranchesService } from './branches.service';

@Module({})
export class BranchesModule {
  /**
   * `imports`: the modules that provide the tokens of org-units/records-in-unit.ts (the
   * applications and customers made in a branch); app.module.ts wires them.
   */
  static forRoot(providers: { imports: ModuleImport[] }): DynamicModule {
    return {
      module: BranchesModule,
      imports: providers.imports,
      controllers: [BranchesController],
      providers: [
        BranchesService,
        UnitRecords,
        BranchesForUsers,
        { provide: BRANCHES_FOR_USERS, useExisting: BranchesForUsers },
      ],
      exports: [BRANCHES_FOR_USERS, BranchesService],
    };
  }
}
